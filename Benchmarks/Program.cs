using BenchmarkDotNet.Running;
using Pipeline.Benchmarks;
using TorchSharp;

// dotnet run -c Release --project Benchmarks -- overhead [steps] [rounds] [threads]
// dotnet run -c Release --project Benchmarks -- messages [count] [rounds]
// dotnet run -c Release --project Benchmarks -- bdn            (BenchmarkDotNet: per-message overhead)
// dotnet run -c Release --project Benchmarks -- gan [toy steps] [mnist steps] [rounds] [threads]
// dotnet run -c Release --project Benchmarks -- divergences [threads]
// dotnet run -c Release --project Benchmarks -- urnn [iterations] [threads]
// dotnet run -c Release --project Benchmarks -- irm [steps] [rounds] [threads]   (Colored MNIST step cost, penalty methods)
// dotnet run -c Release --project Benchmarks -- sfn [batch] [krylov k] [rounds] [threads]
// dotnet run -c Release --project Benchmarks -- envs [milliseconds per case] [rounds]   (control environment steps/s)
// dotnet run -c Release --project Benchmarks -- replay [seconds per measurement]   (replay ingestion/sampling vs memcpy)
// dotnet run -c Release --project Benchmarks -- srnn [steps] [hidden] [threads]   (spring chain: integration and training steps/s)
// dotnet run -c Release --project Benchmarks -- ngu [ngu-deepsea|ngu-disco] [seconds] [updates]   (NGU graph frames/s and updates/s against its parts)
// dotnet run -c Release --project Benchmarks -- cluster [seconds]   (replay inserts through 1, 2, 4 silo processes vs in-process)
if (Pipeline.Runs.RuntimeGuard.RelaunchIfNeeded() is { } exitCode) return exitCode;
var mode = args.FirstOrDefault() ?? "overhead";
int Arg(int i, int fallback) => args.Length > i && int.TryParse(args[i], out var v) ? v : fallback;
switch (mode)
{
    case "overhead":
        Pipeline.Runs.IntraOpThreads.Configure(Arg(3, Environment.ProcessorCount));
        GraphOverhead.Run(steps: Arg(1, 2000), rounds: Arg(2, 5));
        break;
    case "messages":
        MessageOverhead.Quick(Arg(1, 200_000), Arg(2, 7));
        break;
    case "gan":
        torch.set_num_threads(Arg(4, 1));
        GanThroughput.Run(toySteps: Arg(1, 60), mnistSteps: Arg(2, 200), rounds: Arg(3, 3));
        break;
    case "divergences":
        torch.set_num_threads(Arg(1, 2));
        DivergenceThroughput.Run([1000, 10000, 100000]);
        break;
    case "irm":
        torch.set_num_threads(Arg(3, Environment.ProcessorCount));
        IrmStepCost.Run(steps: Arg(1, 5), rounds: Arg(2, 3));
        break;
    case "urnn":
        torch.set_num_threads(Arg(2, 1));
        UrnnCost.Run(iterations: Arg(1, 20));
        break;
    case "sfn":
        torch.set_num_threads(Arg(4, 1));
        SaddleFreeCost.Run(batch: Arg(1, 1000), krylov: Arg(2, 20), rounds: Arg(3, 5));
        break;
    case "envs":
        EnvironmentThroughput.DiscoParts(Arg(1, 300) / 1000.0);
        EnvironmentThroughput.Run(secondsPerCase: Arg(1, 300) / 1000.0, rounds: Arg(2, 3), counts: [64, 256]);
        break;
    case "replay":
        ReplayThroughput.Run(seconds: args.Length > 1 && double.TryParse(args[1], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 2.0);
        break;
    case "srnn":
        torch.set_num_threads(Arg(3, 1));
        SrnnCost.Run(steps: Arg(1, 50), hidden: Arg(2, 256));
        break;
    case "srnn-second-team":
        // The same loop after one matrix product on a thread-pool thread, which keeps its OpenMP team alive: with more
        // OpenMP threads than cores libgomp stops spinning in every team (docs/PERFORMANCE.md, intra-op threads).
        torch.set_num_threads(Arg(3, 1));
        Task.Run(() =>
        {
            using var a = torch.rand(1000, 1000);
            using var b = a.matmul(a);
        }).Wait();
        SrnnCost.Run(steps: Arg(1, 50), hidden: Arg(2, 256));
        break;
    case "ngu":
        NguThroughput.Run(args.Length > 1 ? args[1] : "ngu-deepsea", seconds: Arg(2, 10), updates: Arg(3, 300));
        break;
    case "cluster":
        ClusterThroughput.Run(seconds: Arg(1, 5), siloCounts: [1, 2, 4]);
        break;
    case "bdn":
        BenchmarkRunner.Run<MessageOverhead>(args: args.Skip(1).ToArray());
        break;
    default:
        Console.Error.WriteLine("modes: overhead [steps] [rounds] [threads] | messages [count] [rounds] | gan [toy steps] [mnist steps] [rounds] [threads] | divergences [threads] | irm [steps] [rounds] [threads] | urnn [iterations] [threads] | sfn [batch] [krylov k] [rounds] [threads] | envs [milliseconds per case] [rounds] | replay [seconds] | srnn [steps] [hidden] [threads] | ngu [recipe] [seconds] [updates] | cluster [seconds] | bdn");
        return 2;
}
return 0;
