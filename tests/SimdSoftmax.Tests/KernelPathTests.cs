namespace SimdSoftmax.Tests;

public class KernelPathTests
{
    [Fact]
    public void Auto_resolves_to_best_and_best_is_available()
    {
        Assert.Equal(KernelPaths.Best, KernelPaths.Resolve(KernelPath.Auto));
        Assert.Contains(KernelPaths.Best, KernelPaths.Available);
        Assert.Equal(KernelPath.Scalar, KernelPaths.Available[0]);
        Assert.True(KernelPaths.IsSupported(KernelPath.Auto));
    }

    [Fact]
    public void Available_matches_the_runtime_switches()
    {
        // CI runs the suite with DOTNET_EnableAVX512=0 and DOTNET_EnableHWIntrinsic=0: the dispatcher must follow them.
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
            Assert.Equal(new[] { KernelPath.Scalar }, KernelPaths.Available);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
            Assert.DoesNotContain(KernelPath.Avx512, KernelPaths.Available);
        Assert.Equal(KernelPaths.Available.Count > 1, KernelPaths.Best != KernelPath.Scalar);
    }

    [SkippableFact]
    public void An_unsupported_path_throws_rather_than_running_another()
    {
        var missing = new[] { KernelPath.Avx2, KernelPath.Avx512 }.Where(p => !KernelPaths.IsSupported(p)).ToArray();
        Skip.If(missing.Length == 0, "every path is supported here; the DOTNET_EnableAVX512=0 / DOTNET_EnableHWIntrinsic=0 CI runs cover this.");
        foreach (KernelPath p in missing)
        {
            var y = new float[4];
            Assert.Throws<PlatformNotSupportedException>(() => KernelPaths.Resolve(p));
            Assert.Throws<PlatformNotSupportedException>(() => Softmax.Rows(new float[4], y, 4, p));
            Assert.Throws<PlatformNotSupportedException>(() => Gemm.Multiply(new float[4], new float[4], y, 2, 2, 2, p));
            Assert.All(y, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Undefined_path_value_is_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => KernelPaths.Resolve((KernelPath)42));
        Assert.Equal("path", e.ParamName);
    }

    [Fact]
    public void Vector_widths()
    {
        Assert.Equal(1, KernelPaths.VectorWidth(KernelPath.Scalar));
        if (KernelPaths.IsSupported(KernelPath.Avx2)) Assert.Equal(8, KernelPaths.VectorWidth(KernelPath.Avx2));
        if (KernelPaths.IsSupported(KernelPath.Avx512)) Assert.Equal(16, KernelPaths.VectorWidth(KernelPath.Avx512));
    }
}
