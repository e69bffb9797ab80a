namespace SimdSoftmax;

/// <summary>How <see cref="SoftmaxLoss"/> organises the work on the SIMD paths (the scalar reference has one form).</summary>
public enum SoftmaxLossForm
{
    /// <summary>Chosen by shape: <see cref="Fused"/> when C ≤ <see cref="SoftmaxLoss.FusedMaxClasses"/>, else <see cref="Composed"/> (measured; see the README).</summary>
    Auto = 0,
    /// <summary>
    /// Three library calls: GEMM <c>S = X·W (+ b)</c>, fused cross-entropy in place (<c>dS</c>), GEMM <c>dW = Xᵀ·dS + reg·W</c>.
    /// Reads X twice and materializes the N×C scores (workspace N·C floats). Best when C is large (GEMM-bound).
    /// </summary>
    Composed = 1,
    /// <summary>
    /// One pass over X in row blocks that stay in L2: each block's scores, its cross-entropy gradient and its
    /// <c>dW += X_blkᵀ·dS_blk</c> are done before moving on; the N×C scores never exist. Workspace independent of N
    /// (beyond a bounded number of per-lane partial gradients). Best when C is small (memory-bound on X).
    /// </summary>
    Fused = 2,
}
