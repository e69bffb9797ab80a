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
/// The configuration every kernel suite uses (<c>[Config(typeof(PathSuiteConfig))]</c>, a <c>Path</c> property fed by
/// <see cref="BenchPaths.WithAuto"/>): MemoryDiagnoser (steady-state calls must allocate 0 bytes); a "vs Scalar"
/// column, the ratio of each row's mean to the scalar reference's row with the same other parameters; and, besides
/// the default job, two jobs that run only the <c>Auto</c> path with <c>DOTNET_EnableAVX512=0</c> and
/// <c>DOTNET_EnableHWIntrinsic=0</c>, so the dispatcher and its fallbacks are measured as a user with those settings
/// would get them. Set <c>SIMDSOFTMAX_BENCH_FALLBACK_JOBS=0</c> to skip the two extra jobs.
/// </summary>
public sealed class PathSuiteConfig : ManualConfig
{
    public const string NoAvx512 = "AVX512=0", NoIntrinsics = "HWIntrinsic=0";

    public PathSuiteConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new ScalarRatioColumn());
        AddJob(Job.Default.WithId("as shipped"));
        if (Environment.GetEnvironmentVariable("SIMDSOFTMAX_BENCH_FALLBACK_JOBS") != "0")
        {
            AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId(NoAvx512));
            AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableHWIntrinsic", "0")).WithId(NoIntrinsics));
            // In the fallback jobs only the dispatcher runs: an explicit Avx512 path would (rightly) throw there.
            AddFilter(new SimpleFilter(c => c.Job.Id is not (NoAvx512 or NoIntrinsics) || PathOf(c) == KernelPath.Auto));
        }
    }

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
            BenchmarkCase? scalar = summary.BenchmarksCases.FirstOrDefault(c =>
                PathOf(c) == KernelPath.Scalar && c.Descriptor.WorkloadMethod == benchmarkCase.Descriptor.WorkloadMethod
                && c.Job.Id == "as shipped" && OtherParameters(c) == others);
            double? baseline = scalar is null ? null : summary[scalar]?.ResultStatistics?.Mean;
            return baseline is null ? "—" : (baseline.Value / mine.Value).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + "×";
        }

        private static string OtherParameters(BenchmarkCase c) =>
            string.Join(";", c.Parameters.Items.Where(p => p.Value is not KernelPath).Select(p => $"{p.Name}={p.Value}"));
    }
}
