using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Hosting;
using Pipeline.Cluster.Hosting;

namespace Pipeline.Cli;

/// <summary><c>pipeline cluster silo</c>: host replay shards, the parameter server and the registry for runs started with --cluster.</summary>
public static class ClusterCommand
{
    /// <param name="threads">the root's --threads option; <paramref name="configureThreads"/> applies it (the actor hosts' inference runs here).</param>
    public static Command Create(Option<int?> threads, Action<int?> configureThreads)
    {
        var advertise = new Option<string>("--address") { Description = "the IP other silos and clients reach this silo at", DefaultValueFactory = _ => "127.0.0.1" };
        var siloPort = new Option<int>("--port") { Description = "silo-to-silo port", DefaultValueFactory = _ => ClusterAddresses.DefaultSiloPort };
        var gatewayPort = new Option<int>("--gateway") { Description = "client gateway port (what --cluster names)", DefaultValueFactory = _ => ClusterAddresses.DefaultGatewayPort };
        var primary = new Option<string?>("--primary")
        {
            Description = "the primary silo's host:port (its --port); omit on the primary itself (development membership)",
        };
        var listenAny = new Option<bool>("--listen-any") { Description = "listen on every interface, still advertising --address" };
        var silo = new Command("silo", "Run a silo until Ctrl+C (the first one is the primary; others name it with --primary)")
        {
            advertise, siloPort, gatewayPort, primary, listenAny,
        };
        silo.SetAction(async (parse, cancellation) =>
        {
            configureThreads(parse.GetValue(threads));
            SiloSettings settings;
            try
            {
                var address = parse.GetValue(advertise)!;
                if (!IPAddress.TryParse(address, out var ip)) throw new ArgumentException($"--address '{address}' is not an IP address (e.g. 10.0.0.5)");
                settings = new SiloSettings(ip, parse.GetValue(siloPort), parse.GetValue(gatewayPort),
                    parse.GetValue(primary) is { } p ? ClusterAddresses.Parse(p, ClusterAddresses.DefaultSiloPort)[0] : null,
                    parse.GetValue(listenAny)).Validate();
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            return await Run(settings, cancellation);
        });
        return new Command("cluster", "Scale out on Microsoft Orleans (docs/CLUSTER.md)") { silo };
    }

    static async Task<int> Run(SiloSettings settings, CancellationToken cancellation)
    {
        using var host = ClusterHosting.BuildSilo(settings);
        try
        {
            await ClusterHosting.StartSiloAsync(host, settings, cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"error: the silo at {settings.SiloEndpoint} (gateway {settings.GatewayEndpoint}) did not start: {e.Message}");
            return 1;
        }
        Console.Error.WriteLine($"silo up: silo {settings.SiloEndpoint}, gateway {settings.GatewayEndpoint}"
            + (settings.Primary is { } p ? $", primary {p}" : " (primary)") + "; Ctrl+C stops it");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException) { }
        Console.Error.WriteLine("silo stopping");
        await host.StopAsync(CancellationToken.None);
        return 0;
    }
}
