namespace SimdSoftmax;

/// <summary>
/// What the GEMM drivers need from an instruction set: its register tiles (with their blocking) and its two skinny
/// kernels. Implemented by <see cref="Avx2Isa"/> and <see cref="Avx512Isa"/>; <see cref="Gemm"/> picks one from the
/// resolved <see cref="KernelPath"/> and everything below (<see cref="GemmSimd{TIsa}"/>) is generic over it, so the JIT
/// compiles each driver once per ISA with the kernel calls bound directly.
/// </summary>
internal interface IGemmIsa
{
    /// <summary>The blocked path's tile registry, in order of preference on a cost tie (from the tuning table).</summary>
    static abstract ReadOnlySpan<GemmTile> GemmTiles { get; }

    /// <summary>Width of a packed narrow-B row for <see cref="SkinnyOuter"/>: n rounded up to the kernel's columns.</summary>
    static abstract int SkinnyOuterBWidth(int n);

    /// <summary>Rows [i0, i1) of C = alpha·A·op(B) + beta·C, narrow n; see <see cref="GemmSkinny.Dot{TKernel}"/>.</summary>
    static abstract unsafe void SkinnyDot(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bt, nint ldbt, float beta, float* c, nint ldc);

    /// <summary>Rows [i0, i1) of C = alpha·Aᵀ·op(B) + beta·C, narrow n; see <see cref="GemmSkinny.Outer{TKernel}"/>.</summary>
    static abstract unsafe void SkinnyOuter(int i0, int i1, int n, int k, float alpha, float* a, nint lda,
        float* bp, int bWidth, float beta, float* c, nint ldc);
}
