namespace SimdSoftmax;

internal readonly partial struct Avx512Isa : IGemmIsa
{
    public static ReadOnlySpan<GemmTile> GemmTiles => Tuning.GemmAvx512Tiles;

    public static int SkinnyOuterBWidth(int n) => GemmSkinny.OuterBWidth<SkinnyOuter32x10Avx512>(n);

    public static unsafe void SkinnyDot(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bt, nint ldbt, float beta, float* c, nint ldc) =>
        GemmSkinny.Dot<SkinnyDot4x5Avx512>(i0, i1, n, k, alpha, a, lda, bt, ldbt, beta, c, ldc);

    public static unsafe void SkinnyOuter(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bp, int bWidth, float beta, float* c, nint ldc) =>
        GemmSkinny.Outer<SkinnyOuter32x10Avx512>(i0, i1, n, k, alpha, a, lda, bp, bWidth, beta, c, ldc);
}
