namespace SimdSoftmax;

/// <summary>
/// The knobs of <see cref="LinearCrossEntropy"/> beyond its shapes and its <see cref="CrossEntropyOptions"/>:
/// <c>default</c> is no regularization and no gradient filter (the exact gradients).
/// </summary>
public readonly record struct LinearCrossEntropyOptions
{
    /// <summary>
    /// L2 regularization strength, finite and ≥ 0 (0 by default), as <see cref="ClassifierOptions.Regularization"/>: adds
    /// <c>½·Regularization·ΣW²</c> to the loss and <c>Regularization·W</c> to dW. The bias is not regularized.
    /// </summary>
    public float Regularization { get; init; }

    /// <summary>
    /// Cut Cross-Entropy's gradient filter, finite and ≥ 0; 0 (the default) is off. With a value f &gt; 0, the backward
    /// GEMMs of a row block skip each tile of 512 classes in which every entry of that block's <c>dS = ∂L/∂S</c> has
    /// magnitude below the cutoff <c>c = f·s</c>, s the reduction's scale (1/N for the mean over N counted rows,
    /// 1/Σ w_y with class weights, 1 for sum and none): those entries count as zero in dW and dX. Without class weights,
    /// smoothing or z-loss, an entry off the label is s·p_ij, so f is a probability: a tile is skipped in a block when
    /// every row gives each of its classes a probability below f. The loss, dBias and the row outputs are exact.
    /// <para>Error bound (each dropped entry is below c in magnitude): <c>|ΔdW_kj| ≤ c·Σ_i |X_ik|</c> for the classes j
    /// of dropped tiles (whose dW is then exactly 0 when dropped in every block), and <c>|ΔdX_ik| ≤ c·Σ_j∈dropped |W_kj|</c>,
    /// beside the float rounding of splitting the class sum at the dropped tiles. Nothing is dropped when every |dS| is
    /// at least c, and then the result is the same bits as with the filter off. The savings are the skipped tiles'
    /// share of the two backward GEMMs (two thirds of the flops): large on a trained output layer whose probability mass
    /// sits on few classes, none on a uniform one. The result is the same for every thread count.</para>
    /// </summary>
    public float GradientFilter { get; init; }

    /// <summary>Checks the options' ranges; called at the public boundary before anything is written.</summary>
    internal void Validate(string name)
    {
        if (!float.IsFinite(Regularization) || Regularization < 0f)
            throw new ArgumentOutOfRangeException(name, Regularization, "Regularization must be a finite number ≥ 0.");
        if (!float.IsFinite(GradientFilter) || GradientFilter < 0f)
            throw new ArgumentOutOfRangeException(name, GradientFilter, "GradientFilter must be a finite number ≥ 0.");
    }
}
