namespace SimdSoftmax.Tests.Kernels;

/// <summary>A skinny dot kernel, reachable without knowing its type: the kernel alone and its driver.</summary>
internal unsafe interface ISkinnyDotUnderTest
{
    string Name { get; }
    KernelPath Isa { get; }
    int Rows { get; }
    int Cols { get; }
    int Lanes { get; }
    void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate, nint prefetchDistance);
    float Sum(float* lanes);
    void SumTile(float* acc, float* sums);
    void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bt, nint ldbt, float beta, float* c, nint ldc);
}

internal sealed unsafe class SkinnyDotUnderTest<T>(KernelPath isa) : ISkinnyDotUnderTest where T : ISkinnyDotKernel
{
    public string Name => typeof(T).Name;
    public KernelPath Isa => isa;
    public int Rows => T.Rows;
    public int Cols => T.Cols;
    public int Lanes => T.Lanes;
    public void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate, nint prefetchDistance) =>
        T.Run(k, a, lda, bt, ldbt, rowOffsets, colOffsets, acc, accumulate, prefetchDistance);
    public float Sum(float* lanes) => T.Sum(lanes);
    public void SumTile(float* acc, float* sums) => T.SumTile(acc, sums);
    public void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bt, nint ldbt, float beta, float* c, nint ldc) =>
        GemmSkinny.Dot<T>(i0, i1, n, k, alpha, a, lda, bt, ldbt, beta, c, ldc);
}
