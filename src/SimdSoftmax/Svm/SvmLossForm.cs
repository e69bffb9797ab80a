namespace SimdSoftmax;

/// <summary>How <see cref="SvmLoss"/> organises the work on the SIMD paths (the scalar reference has one form).</summary>
public enum SvmLossForm
{
    /// <summary>Chosen by shape: <see cref="Fused"/> when C ≤ <see cref="SvmLoss.FusedMaxClasses"/>, else <see cref="Composed"/>.</summary>
    Auto = 0,
    /// <summary>GEMM <c>S = X·W (+ b)</c>, the hinge in place (<c>dS</c>), GEMM <c>dW = Xᵀ·dS + reg·W</c>. Reads X twice; workspace N·C floats.</summary>
    Composed = 1,
    /// <summary>One pass over X in row blocks that stay in L2 (scores, hinge, <c>dW += X_blkᵀ·dS_blk</c>); the N×C scores never exist.</summary>
    Fused = 2,
}
