namespace SimdSoftmax;

/// <summary>
/// A register-blocked GEMM microkernel over packed panels (BLIS style). Implemented by structs so that
/// <see cref="GemmBlocked{TKernel}"/> is specialized per kernel by the JIT, with no indirect calls.
/// </summary>
internal interface IGemmMicrokernel
{
    /// <summary>Rows of the register tile (A micro-panel height).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile (B micro-panel width).</summary>
    static abstract int NR { get; }

    /// <summary>
    /// C[0..MR, 0..NR] = alpha·Σₚ a[p·MR + i]·b[p·NR + j] + beta·C, for p in 0..kc (kc ≥ 1).
    /// beta = 0 stores without reading C. C must hold a full MR×NR tile at stride ldc.
    /// </summary>
    static abstract unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}
