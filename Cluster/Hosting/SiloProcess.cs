using System.Diagnostics;

namespace Pipeline.Cluster.Hosting;

/// <summary>
/// Starts <c>pipeline cluster silo</c> as a child process on loopback and waits until it says it is up: for
/// benchmarks and tests that need real silo processes. The caller kills it (<c>Kill(entireProcessTree: true)</c>).
/// </summary>
public static class SiloProcess
{
    /// <param name="pipelineDll">the <c>pipeline.dll</c> to run (next to any assembly that references the CLI project).</param>
    /// <param name="primaryPort">the primary silo's silo port; null: this silo is the primary.</param>
    public static Process Start(string pipelineDll, int siloPort, int gatewayPort, int? primaryPort, TimeSpan? timeout = null)
    {
        var arguments = $"\"{pipelineDll}\" cluster silo --port {siloPort} --gateway {gatewayPort}"
            + (primaryPort is { } p ? $" --primary 127.0.0.1:{p}" : "");
        var info = new ProcessStartInfo("dotnet", arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {arguments}");
        var up = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("silo up", StringComparison.Ordinal) == true) up.TrySetResult();
            if (e.Data?.StartsWith("error", StringComparison.Ordinal) == true) up.TrySetException(new InvalidOperationException(e.Data));
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (!up.Task.Wait(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo on port {siloPort} did not come up within {limit.TotalSeconds:0} s");
        }
        return process;
    }
}
