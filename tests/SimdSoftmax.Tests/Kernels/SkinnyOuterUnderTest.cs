namespace SimdSoftmax.Tests.Kernels;

/// <summary>A skinny outer-product kernel, reachable without knowing its type: the kernel alone and its driver.</summary>
internal unsafe interface ISkinnyOuterUnderTest
{
    string Name { get; }
    KernelPath Isa { get; }
    int Width { get; }
    int Cols { get; }
    int Lanes { get; }
    void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bStride, float* ct, nint ctStride, bool accumulate, nint prefetchDistance);
    int BWidth(int n);
    void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bp, int bWidth, float beta, float* c, nint ldc);
}

internal sealed unsafe class SkinnyOuterUnderTest<T>(KernelPath isa) : ISkinnyOuterUnderTest where T : ISkinnyOuterKernel
{
    public string Name => typeof(T).Name;
    public KernelPath Isa => isa;
    public int Width => T.Width;
    public int Cols => T.Cols;
    public int Lanes => T.Lanes;
    public void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bStride, float* ct, nint ctStride, bool accumulate, nint prefetchDistance) =>
        T.Run(k, a, lda, vecOffsets, b, bStride, ct, ctStride, accumulate, prefetchDistance);
    public int BWidth(int n) => GemmSkinny.OuterBWidth<T>(n);
    public void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bp, int bWidth, float beta, float* c, nint ldc) =>
        GemmSkinny.Outer<T>(i0, i1, n, k, alpha, a, lda, bp, bWidth, beta, c, ldc);
}
