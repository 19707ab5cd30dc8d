namespace Pipeline.Reproductions;

/// <summary>Every paper experiment `pipeline reproduce` knows, by name.</summary>
public static class ReproductionRegistry
{
    public static IReadOnlyList<IReproduction> All { get; } =
    [
        new Gan.ToyComparison(),
        new Gan.PrincipledDiagnostics(),
        new Geometry.GeometryComparison(),
        new IrmReproduction(),
        new IrmReproduction(Algorithms.Irm.IrmConfig.BFloat16),
        new IrmSyntheticReproduction(),
        new Urnn.CopyMemoryReproduction(),
        new Urnn.AddingReproduction(),
        new Urnn.PixelMnistReproduction(),
        new Urnn.GradientsReproduction(),
        new Gan.AliMixtureComparison(),
        new Gan.AliMnist(),
        new SaddleFree.Saddles(),
        new SaddleFree.SfnAutoencoder(),
        new Ngu.DeepSeaExploration(),
        new Ngu.DiscoMazeExploration(),
        Srnn.SrnnTables.Chain(),
        Srnn.SrnnTables.ThreeBody(),
        Srnn.SrnnTables.Billiard(),
        new Srnn.HnnReproduction(),
    ];

    public static IReproduction? Find(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
