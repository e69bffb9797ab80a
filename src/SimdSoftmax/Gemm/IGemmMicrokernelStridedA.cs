namespace SimdSoftmax;

/// <summary>
/// A register microkernel that reads op(A) where it lies, element (i, p) at <c>a[i·rsA + p·csA]</c>, instead of from a
/// packed micro-panel: row-major A is (lda, 1), transposed A (1, lda), and a packed panel (1, MR), which is how
/// <see cref="IGemmMicrokernel.Run"/> calls it. B stays packed (kc rows of NR). Its loop nests are
/// <see cref="GemmPackedB{TKernel}"/>, which packs only B (for small problems, packing A costs more than it saves), as
/// well as <see cref="GemmBlocked{TKernel}"/>.
/// </summary>
internal interface IGemmMicrokernelStridedA : IGemmMicrokernel
{
    /// <summary>
    /// C[0..MR, 0..NR] = alpha·Σₚ a[i·rsA + p·csA]·b[p·NR + j] + beta·C, for p in 0..kc (kc ≥ 1), with the same
    /// accumulation order (one FMA chain per element in p order, from zero) as <see cref="IGemmMicrokernel.Run"/>.
    /// Reads exactly MR rows of A; beta = 0 stores without reading C.
    /// </summary>
    static abstract unsafe void RunStridedA(int kc, float* a, nint rsA, nint csA, float* b, float* c, nint ldc, float alpha, float beta);
}
