namespace SimdSoftmax.Tests.Kernels;

/// <summary>
/// Every GEMM kernel of the library, listed once, as test data for <see cref="GemmMicrokernelTester"/>: the register
/// tiles come from the library's own tile registries (the tuning table), the skinny kernels are listed here. A test
/// checks by reflection that no kernel type of the library is missing, so a new kernel cannot go untested.
/// </summary>
internal static class GemmKernelRegistry
{
    /// <summary>Register tiles with the ISA that runs them.</summary>
    public static IEnumerable<(KernelPath Isa, GemmTile Tile)> Tiles =>
        Tuning.GemmAvx2Tiles.Select(t => (KernelPath.Avx2, t)).Concat(Tuning.GemmAvx512Tiles.Select(t => (KernelPath.Avx512, t)));

    public static readonly ISkinnyDotUnderTest[] SkinnyDot =
    [
        new SkinnyDotUnderTest<SkinnyDot2x5Avx2>(KernelPath.Avx2),
        new SkinnyDotUnderTest<SkinnyDot4x5Avx512>(KernelPath.Avx512),
    ];

    public static readonly ISkinnyOuterUnderTest[] SkinnyOuter =
    [
        new SkinnyOuterUnderTest<SkinnyOuter16x5Avx2>(KernelPath.Avx2),
        new SkinnyOuterUnderTest<SkinnyOuter32x10Avx512>(KernelPath.Avx512),
    ];

    public static TheoryData<string> TileNames => Data(Tiles.Select(t => t.Tile.Name));
    public static TheoryData<string> SkinnyDotNames => Data(SkinnyDot.Select(k => k.Name));
    public static TheoryData<string> SkinnyOuterNames => Data(SkinnyOuter.Select(k => k.Name));

    public static (KernelPath Isa, GemmTile Tile) Tile(string name) => Tiles.Single(t => t.Tile.Name == name);

    /// <summary>Library types implementing the interface <paramref name="kind"/> (the kernels the lists above must name).</summary>
    public static IEnumerable<string> KernelTypesOf(Type kind) =>
        typeof(Gemm).Assembly.GetTypes().Where(t => t.IsValueType && kind.IsAssignableFrom(t)).Select(t => t.Name);

    private static TheoryData<string> Data(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (string n in names) data.Add(n);
        return data;
    }
}

/// <summary>A skinny dot kernel, reachable without knowing its type: the kernel alone and its driver.</summary>
internal unsafe interface ISkinnyDotUnderTest
{
    string Name { get; }
    KernelPath Isa { get; }
    int Rows { get; }
    int Cols { get; }
    int Lanes { get; }
    void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate);
    float Sum(float* lanes);
    void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bt, nint ldbt, float beta, float* c, nint ldc);
}

internal sealed unsafe class SkinnyDotUnderTest<T>(KernelPath isa) : ISkinnyDotUnderTest where T : ISkinnyDotKernel
{
    public string Name => typeof(T).Name;
    public KernelPath Isa => isa;
    public int Rows => T.Rows;
    public int Cols => T.Cols;
    public int Lanes => T.Lanes;
    public void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate) =>
        T.Run(k, a, lda, bt, ldbt, rowOffsets, colOffsets, acc, accumulate);
    public float Sum(float* lanes) => T.Sum(lanes);
    public void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bt, nint ldbt, float beta, float* c, nint ldc) =>
        GemmSkinny.Dot<T>(i0, i1, n, k, alpha, a, lda, bt, ldbt, beta, c, ldc);
}

/// <summary>A skinny outer-product kernel, reachable without knowing its type: the kernel alone and its driver.</summary>
internal unsafe interface ISkinnyOuterUnderTest
{
    string Name { get; }
    KernelPath Isa { get; }
    int Width { get; }
    int Cols { get; }
    int Lanes { get; }
    void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bStride, float* ct, nint ctStride, bool accumulate);
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
    public void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bStride, float* ct, nint ctStride, bool accumulate) =>
        T.Run(k, a, lda, vecOffsets, b, bStride, ct, ctStride, accumulate);
    public int BWidth(int n) => GemmSkinny.OuterBWidth<T>(n);
    public void Driver(int i0, int i1, int n, int k, float alpha, float* a, nint lda, float* bp, int bWidth, float beta, float* c, nint ldc) =>
        GemmSkinny.Outer<T>(i0, i1, n, k, alpha, a, lda, bp, bWidth, beta, c, ldc);
}
