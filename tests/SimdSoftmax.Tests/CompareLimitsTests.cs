using SimdSoftmax.Cli.Compare;

namespace SimdSoftmax.Tests;

/// <summary>Which measured limit a compare row is a fraction of, with and without <c>--threads</c>.</summary>
public class CompareLimitsTests
{
    private static readonly MachineHeader OneThread = new("cpu", "runtime", "isa", [KernelPath.Scalar], FmaPeak256: 100, FmaPeak512: 100,
        ReadBandwidth: 10, CopyBandwidth: 10, OpenBlas: null, Date: "date", Threads: 1, CopyNonTemporal: 16, Commit: "abc");

    private static readonly MachineHeader TwoThreads = OneThread with
    {
        FmaPeak256 = 200, FmaPeak512 = 200, ReadBandwidth = 20, CopyBandwidth = 20, CopyNonTemporal = 32, Threads = 2,
    };

    private static KernelCase Softmax => new()
    {
        Family = "softmax", Name = "softmax", Run = (_, _) => [], Elements = 1e9, Bytes = 8e9, Limit = LimitKind.CopyBandwidth, UsesThreads = false,
    };

    private static KernelCase Gemm => new() { Family = "gemm", Name = "gemm", Run = (_, _) => [], Flops = 100e9, Limit = LimitKind.FmaPeak };

    private static double Percent(CompareReport report, KernelCase c, string implementation, int vectorBits)
    {
        report.Add(c, implementation, isAnchor: false, new Timing(1.0, 0, 5), 1.0, 0, verified: true, vectorBits);
        return report.Rows[^1].PercentOfLimit;
    }

    [Fact]
    public void The_copy_limit_is_the_faster_of_CopyTo_and_non_temporal_stores()
    {
        var report = new CompareReport(OneThread, TextWriter.Null);
        Assert.Equal(50, Percent(report, Softmax, "Avx512", 512), 9); // 8 GB/s of max(10, 16)
        Assert.Equal(100, Percent(report, Gemm, "Avx512", 512), 9);
    }

    [Fact]
    public void With_threads_only_the_kernels_that_use_them_are_held_to_the_N_thread_limits()
    {
        var report = new CompareReport(OneThread, TextWriter.Null, TwoThreads);
        Assert.Equal(50, Percent(report, Gemm, "Avx512", 512), 9);    // 100 GFLOPS of 200
        Assert.Equal(50, Percent(report, Softmax, "Avx512", 512), 9); // runs on one thread: 8 GB/s of 16
        Assert.Equal(800, Percent(report, Gemm, "Scalar", 32), 9);    // the scalar reference runs on one thread: of 100/8
    }
}
