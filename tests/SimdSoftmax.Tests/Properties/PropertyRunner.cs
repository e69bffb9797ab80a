using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;

namespace SimdSoftmax.Tests.Properties;

/// <summary>A property that failed: the message holds the shrunk case and a one-line command that replays it.</summary>
public sealed class PropertyFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Runs a CsCheck property for a time budget and turns its failure into a replayable report.
/// <list type="bullet">
/// <item><c>SIMDSOFTMAX_PROPERTY_SECONDS</c>: seconds per property (default 1, the CI share).</item>
/// <item><c>SIMDSOFTMAX_PROPERTY_SEED</c>: run exactly that case (the seed a failure printed) and nothing else.</item>
/// <item><c>SIMDSOFTMAX_PROPERTY_LOG</c>: a file that gets one line per property run, "property path cases seconds".</item>
/// </list>
/// </summary>
public static partial class PropertyRunner
{
    public const string SecondsVariable = "SIMDSOFTMAX_PROPERTY_SECONDS";
    public const string SeedVariable = "SIMDSOFTMAX_PROPERTY_SEED";
    public const string LogVariable = "SIMDSOFTMAX_PROPERTY_LOG";

    private static readonly ConcurrentDictionary<string, long> s_counts = new();

    /// <summary>Cases run so far in this process, per "property × path".</summary>
    public static IReadOnlyDictionary<string, long> Counts => s_counts;

    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) && s > 0 ? s : 1;

    public static string? Seed => Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s ? s.Trim() : null;

    /// <summary>
    /// Samples <paramref name="gen"/> for the time budget (or replays <see cref="Seed"/>), calling <paramref name="check"/>
    /// on each case. <paramref name="testName"/> is the fully qualified test method the replay command filters on.
    /// </summary>
    /// <param name="seed">A seed to replay instead of sampling; null means <see cref="Seed"/> when <paramref name="environment"/> is true.</param>
    /// <param name="environment">Whether <see cref="SeedVariable"/> applies (false for the runner's own self-test).</param>
    public static long Run<T>(string testName, string pathLabel, Gen<T> gen, Action<T> check, int? seconds = null, string? seed = null,
        bool environment = true)
    {
        if (environment) seed ??= Seed;
        long cases = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            if (seed is not null)
                gen.Sample(t => { Interlocked.Increment(ref cases); check(t); }, seed: seed, iter: 1, threads: 1);
            else
                gen.Sample(t => { Interlocked.Increment(ref cases); check(t); }, time: seconds ?? Seconds, threads: 1);
        }
        catch (Exception e) when (e is not PropertyFailedException)
        {
            string found = SeedPattern().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : seed ?? "?";
            string replay = $"{SeedVariable}={found} dotnet test tests/SimdSoftmax.Tests -c Release --filter \"FullyQualifiedName={testName}\"";
            throw new PropertyFailedException(
                $"Property {testName} [{pathLabel}] failed after {cases} cases. Replay: {replay}{Environment.NewLine}{e.Message}", e);
        }
        finally
        {
            string key = $"{ShortName(testName)} × {pathLabel}";
            s_counts.AddOrUpdate(key, cases, (_, c) => c + cases);
            if (Environment.GetEnvironmentVariable(LogVariable) is { Length: > 0 } log)
                lock (s_counts)
                    File.AppendAllText(log, FormattableString.Invariant($"{key.Replace(' ', '_')} {cases} {clock.Elapsed.TotalSeconds:F1}") + Environment.NewLine);
        }
        return cases;
    }

    private static string ShortName(string testName) => testName[(testName.LastIndexOf('.', testName.LastIndexOf('.') - 1) + 1)..];

    // CsCheck 5 reports: Set seed: "0N0XIzNsQ0O2" or -e CsCheck_Seed=0N0XIzNsQ0O2 to reproduce.
    [GeneratedRegex("""[Ss]eed[:=]\s*"?([0-9A-Za-z_\-]{6,})"?""")]
    private static partial Regex SeedPattern();
}
