using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// The paths a suite iterates over with <c>[ParamsSource]</c>: every concrete path this CPU has (scalar first, the
/// baseline) and <see cref="KernelPath.Auto"/>, the dispatcher as shipped.
/// </summary>
public static class BenchPaths
{
    public static IEnumerable<KernelPath> WithAuto => KernelPaths.Available.Append(KernelPath.Auto);
}

/// <summary>
/// Marks a benchmark that does not depend on the suite's <c>Path</c> (an outside anchor such as OpenBLAS or
/// TensorPrimitives, or our dispatcher on every core): it runs once per other-parameter set, on the
/// <see cref="KernelPath.Auto"/> row of the as-shipped job, instead of once per path.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnchorAttribute : Attribute
{
    /// <summary>The anchor calls OpenBLAS: it is left out (not run, not reported) where the library does not load.</summary>
    public bool NeedsOpenBlas { get; init; }

    /// <summary>The anchor calls oneDNN: it is left out (not run, not reported) where the library does not load.</summary>
    public bool NeedsOneDnn { get; init; }
}

/// <summary>
/// The configuration every kernel suite uses (<c>[Config(typeof(PathSuiteConfig))]</c>, a <c>Path</c> property fed by
/// <see cref="BenchPaths.WithAuto"/>, the scalar path as the baseline): MemoryDiagnoser (steady-state calls must
/// allocate 0 bytes); a "vs Scalar" column, the ratio of the scalar reference's mean (same method — for an
/// <see cref="AnchorAttribute"/> method, the suite's first own method — and same other parameters) to this row's mean;
/// and, besides the as-shipped job, two jobs that run only the <c>Auto</c> path with <c>DOTNET_EnableAVX512=0</c> and
/// <c>DOTNET_EnableHWIntrinsic=0</c>, so the dispatcher and its fallbacks are measured as a user with those settings
/// would get them (as ImageSharp does). Environment switches: <c>SIMDSOFTMAX_BENCH_FALLBACK_JOBS=0</c> skips the two
/// extra jobs; <c>SIMDSOFTMAX_BENCH_SHORT=1</c> uses BenchmarkDotNet's ShortRun (3 iterations) for a quick look on a
/// shared machine.
/// </summary>
public sealed class PathSuiteConfig : ManualConfig
{
    public const string AsShipped = "as shipped", NoAvx512 = "AVX512=0", NoIntrinsics = "HWIntrinsic=0";

    public PathSuiteConfig()
    {
        Job baseJob = Environment.GetEnvironmentVariable("SIMDSOFTMAX_BENCH_SHORT") == "1" ? Job.ShortRun : Job.Default;
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new ScalarRatioColumn());
        AddJob(baseJob.WithId(AsShipped));
        // On the shared 2-core machine building the generated project can exceed the 2-minute default.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
        bool fallbacks = Environment.GetEnvironmentVariable("SIMDSOFTMAX_BENCH_FALLBACK_JOBS") != "0";
        if (fallbacks)
        {
            AddJob(baseJob.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId(NoAvx512));
            AddJob(baseJob.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableHWIntrinsic", "0")).WithId(NoIntrinsics));
        }
        // Fallback jobs: only our dispatcher (an explicit Avx512 path would rightly throw there). Anchors: once, beside Auto.
        AddFilter(new SimpleFilter(c => AnchorOf(c) is { } anchor
            ? c.Job.Id == AsShipped && PathOf(c) is null or KernelPath.Auto && (!anchor.NeedsOpenBlas || Anchors.OpenBlas.IsAvailable)
                && (!anchor.NeedsOneDnn || Anchors.OneDnn.IsAvailable)
            : c.Job.Id == AsShipped || PathOf(c) == KernelPath.Auto));
    }

    private static AnchorAttribute? AnchorOf(BenchmarkCase c) =>
        c.Descriptor.WorkloadMethod.GetCustomAttributes(typeof(AnchorAttribute), inherit: true).OfType<AnchorAttribute>().FirstOrDefault();

    internal static bool IsAnchor(BenchmarkCase c) => AnchorOf(c) is not null;

    internal static KernelPath? PathOf(BenchmarkCase c) =>
        c.Parameters.Items.FirstOrDefault(p => p.Value is KernelPath)?.Value as KernelPath?;

    /// <summary>Mean of this row over the mean of the scalar row with the same job and other parameters.</summary>
    private sealed class ScalarRatioColumn : IColumn
    {
        public string Id => nameof(ScalarRatioColumn);
        public string ColumnName => "vs Scalar";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "Speedup over the scalar reference path with the same parameters (scalar mean / this mean)";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            double? mine = summary[benchmarkCase]?.ResultStatistics?.Mean;
            if (mine is null || PathOf(benchmarkCase) is null) return "—";
            string others = OtherParameters(benchmarkCase);
            string method = IsAnchor(benchmarkCase)
                ? summary.BenchmarksCases.Where(c => !IsAnchor(c)).Select(c => c.Descriptor.WorkloadMethod.Name).FirstOrDefault() ?? ""
                : benchmarkCase.Descriptor.WorkloadMethod.Name;
            BenchmarkCase? scalar = summary.BenchmarksCases.FirstOrDefault(c =>
                PathOf(c) == KernelPath.Scalar && c.Descriptor.WorkloadMethod.Name == method
                && c.Job.Id == AsShipped && OtherParameters(c) == others);
            double? baseline = scalar is null ? null : summary[scalar]?.ResultStatistics?.Mean;
            return baseline is null ? "—" : (baseline.Value / mine.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "×";
        }

        private static string OtherParameters(BenchmarkCase c) =>
            string.Join(";", c.Parameters.Items.Where(p => p.Value is not KernelPath).Select(p => $"{p.Name}={p.Value}"));
    }
}
