namespace SimdSoftmax;

/// <summary>How a linear classifier (<see cref="SoftmaxLoss"/>, <see cref="SvmLoss"/>) organises the work on the SIMD paths (the scalar reference has one form).</summary>
public enum ClassifierForm
{
    /// <summary>Chosen by shape: <see cref="Fused"/> when C ≤ the family's <c>FusedMaxClasses</c>, else <see cref="Composed"/> (measured; see docs/kernels.md).</summary>
    Auto = 0,
    /// <summary>
    /// Three library calls: GEMM <c>S = X·W (+ b)</c>, the fused row loss in place (<c>dS</c>), GEMM <c>dW = Xᵀ·dS + reg·W</c>.
    /// Reads X twice and materializes the N×C scores (workspace N·C floats). Best when C is large (GEMM-bound).
    /// </summary>
    Composed = 1,
    /// <summary>
    /// One pass over X in row blocks that stay in L2: each block's scores, its loss gradient and its
    /// <c>dW += X_blkᵀ·dS_blk</c> are done before moving on; the N×C scores never exist. Workspace independent of N
    /// (beyond a bounded number of per-lane partial gradients). Best when C is small (memory-bound on X).
    /// </summary>
    Fused = 2,
}

/// <summary>
/// The knobs of a linear classifier's loss (<see cref="SoftmaxLoss"/>, <see cref="SvmLoss"/>) beyond its shapes:
/// <c>default</c> is no regularization and the <see cref="ClassifierForm.Auto"/> form.
/// </summary>
public readonly record struct ClassifierOptions
{
    /// <summary>
    /// L2 regularization strength, finite and ≥ 0 (0 by default): adds <c>½·Regularization·ΣW²</c> to the loss and
    /// <c>Regularization·W</c> to dW. The bias is not regularized. (CS231n's <c>reg·ΣW²</c> convention is this with the value doubled.)
    /// </summary>
    public float Regularization { get; init; }

    /// <summary>Which form runs on the SIMD paths; <see cref="ClassifierForm.Auto"/> (the default) chooses by the class count.</summary>
    public ClassifierForm Form { get; init; }

    /// <summary>Checks the options' ranges; called at the public boundary before anything is written.</summary>
    internal void Validate(string name)
    {
        if (!float.IsFinite(Regularization) || Regularization < 0f)
            throw new ArgumentOutOfRangeException(name, Regularization, "Regularization must be a finite number ≥ 0.");
        if (Form is not (ClassifierForm.Auto or ClassifierForm.Composed or ClassifierForm.Fused))
            throw new ArgumentOutOfRangeException(name, Form, "Form is not a defined ClassifierForm value.");
    }
}
