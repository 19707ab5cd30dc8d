namespace Pipeline.Algorithms.Irm;

/// <summary>
/// What one full-batch step sees (the reference trains on whole environments, irm_ngu.md 1.5): the training
/// environments, and the test environment on the steps whose metrics are logged (null otherwise, so it costs
/// nothing in between). The environments belong to whoever built them, not to the batch.
/// </summary>
public sealed record IrmBatch(IReadOnlyList<IrmEnvironment> Train, IrmEnvironment? Test);
