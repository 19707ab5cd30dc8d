using System.Globalization;
using System.Net;

namespace Pipeline.Cluster.Hosting;

/// <summary>Parses "host:port[,host:port...]" (a bare host takes the default port) into endpoints.</summary>
public static class ClusterAddresses
{
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public static IPEndPoint[] Parse(string text, int defaultPort = DefaultGatewayPort) =>
        string.IsNullOrWhiteSpace(text)
            ? throw new ArgumentException("a cluster address is empty; give host:port, e.g. 127.0.0.1:30000")
            : [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(a => One(a, defaultPort))];

    static IPEndPoint One(string address, int defaultPort)
    {
        var colon = address.LastIndexOf(':');
        var (host, port) = colon > 0 && !address.EndsWith(']')
            ? (address[..colon], int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                ? p : throw new ArgumentException($"cluster address '{address}': '{address[(colon + 1)..]}' is not a port (1-65535)"))
            : (address, defaultPort);
        host = host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var ip)) return new IPEndPoint(ip, port);
        try
        {
            var resolved = Dns.GetHostAddresses(host);
            return resolved.Length > 0 ? new IPEndPoint(resolved.First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork), port)
                : throw new ArgumentException($"cluster address '{address}': '{host}' has no address");
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new ArgumentException($"cluster address '{address}': cannot resolve '{host}' ({e.Message})", e);
        }
    }
}
