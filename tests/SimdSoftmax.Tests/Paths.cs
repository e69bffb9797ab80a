namespace SimdSoftmax.Tests;

/// <summary>Theory data over kernel paths. A path the CPU lacks is skipped (reported as skipped), never passed.</summary>
public static class Paths
{
    public static TheoryData<KernelPath> All => new() { KernelPath.Scalar, KernelPath.Avx2, KernelPath.Avx512 };
    public static TheoryData<KernelPath> Simd => new() { KernelPath.Avx2, KernelPath.Avx512 };

    /// <summary>Skips the running test when this process cannot run <paramref name="path"/>.</summary>
    public static void Require(KernelPath path) =>
        Skip.IfNot(KernelPaths.IsSupported(path), $"{path} is not available on this CPU / runtime configuration.");
}
