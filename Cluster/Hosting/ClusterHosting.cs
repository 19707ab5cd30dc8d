using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Pipeline.Cluster.Grains;

namespace Pipeline.Cluster.Hosting;

/// <summary>No silo of a Pipeline cluster answered at the addresses given.</summary>
public sealed class ClusterUnreachableException(string message, Exception inner) : Exception(message, inner);

/// <summary>Builds silos and clients of a Pipeline cluster (Orleans), with the cluster's ids and the version check.</summary>
public static class ClusterHosting
{
    public const string RegistryKey = "registry";

    /// <summary>A silo host (not started). <see cref="StartSiloAsync"/> starts it and registers its version.</summary>
    public static IHost BuildSilo(SiloSettings settings, LogLevel logLevel = LogLevel.Warning)
    {
        settings.Validate();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(logLevel);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterProtocol.ClusterId, ClusterProtocol.ServiceId));
            silo.UseDevelopmentClustering(settings.Primary ?? settings.SiloEndpoint);
            silo.ConfigureEndpoints(settings.Advertise, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAny);
            if (settings.CallTimeout is { } timeout) silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = timeout);
        });
        return builder.Build();
    }

    /// <summary>Starts the silo and registers it (and its contract version) with the cluster; a version mismatch stops it.</summary>
    public static async Task StartSiloAsync(IHost silo, SiloSettings settings, CancellationToken cancellation = default)
    {
        await silo.StartAsync(cancellation).ConfigureAwait(false);
        try
        {
            await Register(silo.Services.GetRequiredService<IGrainFactory>(), $"silo {settings.SiloEndpoint}", ClusterProtocol.Version).ConfigureAwait(false);
        }
        catch
        {
            await silo.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Connects a client to the cluster through any of <paramref name="gateways"/> and checks its version; throws
    /// <see cref="ClusterUnreachableException"/> naming the addresses when none answers within <paramref name="connectTimeout"/>.
    /// </summary>
    public static async Task<IHost> ConnectAsync(IReadOnlyList<IPEndPoint> gateways, TimeSpan? connectTimeout = null, TimeSpan? callTimeout = null,
        CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        // A failed start is reported once, as a ClusterUnreachableException naming the addresses, not also as a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterProtocol.ClusterId, ClusterProtocol.ServiceId));
            client.UseStaticClustering([.. gateways]);
            if (callTimeout is { } timeout) client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = timeout);
        });
        var host = builder.Build();
        var limit = connectTimeout ?? TimeSpan.FromSeconds(20);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limit);
        try
        {
            await host.StartAsync(deadline.Token).ConfigureAwait(false);
            await Register(host.Services.GetRequiredService<IClusterClient>(), $"client {Environment.MachineName}:{Environment.ProcessId}", ClusterProtocol.Version)
                .WaitAsync(deadline.Token).ConfigureAwait(false);
            return host;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            host.Dispose();
            if (e is ClusterVersionException) throw;
            throw new ClusterUnreachableException(
                $"no Pipeline cluster answered at {string.Join(", ", gateways)} within {limit.TotalSeconds:0.#} s ({e.GetType().Name}: {e.Message}); "
                + "is `pipeline cluster silo` running there, and is the gateway port right?", e);
        }
    }

    /// <summary>Registers <paramref name="member"/> with the cluster registry; a <see cref="ClusterVersionException"/> when its version differs.</summary>
    public static async Task Register(IGrainFactory grains, string member, int protocol)
    {
        try
        {
            await grains.GetGrain<IClusterRegistry>(RegistryKey).Register(member, protocol).ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("cluster protocol", StringComparison.Ordinal))
        {
            throw new ClusterVersionException(e.Message, e);
        }
    }
}

/// <summary>A silo or client speaks another contract version than the cluster.</summary>
public sealed class ClusterVersionException(string message, Exception inner) : Exception(message, inner);
