namespace SimdSoftmax;

/// <summary>How the per-row losses of a batch become the returned loss (PyTorch's <c>reduction</c>).</summary>
public enum CrossEntropyReduction
{
    /// <summary>
    /// The weighted mean (the default, as today and as PyTorch): the cross-entropy term is divided by
    /// <c>Σ w[y_i]</c> over counted rows (their count without class weights; N with soft targets), the z-loss term
    /// by the number of counted rows. A divisor of 0 (every row ignored, or the counted rows' weights sum to 0)
    /// makes that term 0 with a zero gradient; PyTorch returns NaN there (0/0), which would poison a training
    /// loop's running loss and its optimizer step for a batch that carries no signal.
    /// </summary>
    Mean = 0,
    /// <summary>The sum of the per-row losses; each gradient row is the gradient of its own row's loss.</summary>
    Sum = 1,
    /// <summary>
    /// No reduction: the per-row losses go into <see cref="CrossEntropyRowOutputs.Losses"/> (required); the method
    /// returns their sum (what <see cref="Sum"/> returns) and each gradient row is the gradient of its own row's loss.
    /// </summary>
    None = 2,
}

/// <summary>
/// The scalar options of softmax cross-entropy, as <c>torch.nn.functional.cross_entropy</c> (PyTorch 1.13.1) has them,
/// plus z-loss and class weights. <c>default</c> reproduces the plain overloads bit for bit: mean, no ignore index, no
/// smoothing, no z-loss, no class weights. The optional per-row outputs are writable spans, passed beside the options as
/// <see cref="CrossEntropyRowOutputs"/> (a span cannot live in a storable struct).
/// </summary>
/// <remarks>
/// <para>Notation, for row i with logits <c>s_i</c> (C of them), <c>lse_i = log Σ_j exp s_ij</c>, <c>p_i = softmax(s_i)</c>,
/// class weights <c>w</c> (all 1 when none are given), <c>ε</c> = <see cref="LabelSmoothing"/>, <c>λ</c> = <see cref="ZLoss"/>.
/// A row is <em>counted</em> unless its label equals <see cref="IgnoreIndex"/>; soft-target rows are always counted.</para>
/// <para><b>Integer labels</b> y (PyTorch 1.13.1's <c>cross_entropy_loss_label_smoothing</c>, which is
/// <c>(1−ε)·nll_loss + ε/C·smooth_loss</c> with both terms over the same rows and the same divisor):
/// <c>ℓ_i = (1−ε)·w[y_i]·(lse_i − s_i,y_i) + (ε/C)·Σ_j w_j·(lse_i − s_ij) + λ·lse_i²</c> for a counted row, 0 for an
/// ignored one. Its gradient is <c>∂ℓ_i/∂s_ij = (1−ε)·w[y_i]·(p_ij − [j = y_i]) + (ε/C)·(Σ_k w_k·p_ij − w_j) + 2λ·lse_i·p_ij</c>.
/// Mean: <c>L = Σ_i CE_i / Σ_counted w[y_i] + λ·Σ_i lse_i² / #counted</c> (CE_i is ℓ_i without its z-term). The
/// smoothing term is therefore weighted by w_j and divided by the same Σ w[y_i] as the nll term, and ignored rows
/// contribute to neither — the behaviour after the fixes of PyTorch #69339 and #73205, and the one 1.13.1 has.
/// ε is the mass moved to the uniform distribution: the target is <c>(1−ε)·onehot + ε/C</c> (the true class keeps
/// <c>1−ε+ε/C</c>; the other reading debated in PyTorch #148884, <c>ε/(C−1)</c> on the others, is not what PyTorch does).
/// With ε = 0 the smoothing term is not evaluated at all, so a −∞ logit off the label gives a finite loss; with ε &gt; 0
/// it makes the loss +∞ (its gradient stays finite), as in PyTorch.</para>
/// <para><b>Soft targets</b> t (N×C, rows need not sum to 1; PyTorch's <c>cross_entropy_loss_prob_target</c>):
/// <c>t'_ij = (1−ε)·t_ij + ε/C</c>, <c>ℓ_i = Σ_j w_j·t'_ij·(lse_i − s_ij) + λ·lse_i²</c>, gradient
/// <c>(Σ_k w_k·t'_ik)·p_ij − w_j·t'_ij + 2λ·lse_i·p_ij</c>; the mean divides by N (not by a weight sum: PyTorch's
/// choice). As in PyTorch a zero target on a −∞ logit makes the row NaN (0·∞).</para>
/// <para><b>Z-loss</b> (PaLM; Liger-Kernel's <c>lse_square_scale</c>) is not weighted by w and is counted over counted rows.</para>
/// <para>The golden values in <c>tests/SimdSoftmax.Tests/Golden</c> come from PyTorch 1.13.1 (<c>scripts/golden-torch.py</c>).</para>
/// </remarks>
public readonly record struct CrossEntropyOptions
{
    /// <summary>PyTorch's default <c>ignore_index</c>, for callers who want its convention.</summary>
    public const int PyTorchIgnoreIndex = -100;

    /// <summary>How the row losses are reduced; <see cref="CrossEntropyReduction.Mean"/> by default.</summary>
    public CrossEntropyReduction Reduction { get; init; }

    /// <summary>
    /// Rows whose label equals this contribute no loss and a zero gradient row and are not counted by the mean.
    /// Our default is <c>null</c>: no ignore index, so every label must be in [0, C) and a stray negative label is an
    /// error rather than a silently skipped row (PyTorch's default is −100: set <see cref="PyTorchIgnoreIndex"/> for it).
    /// Any value is allowed, including a class number in [0, C) (then that class's rows are skipped). Not used with soft targets.
    /// </summary>
    public int? IgnoreIndex { get; init; }

    /// <summary>Label smoothing ε ∈ [0, 1]: the target becomes <c>(1−ε)·target + ε/C</c>. 0 by default.</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Z-loss coefficient λ, finite and ≥ 0: adds <c>λ·lse_i²</c> to each counted row's loss. 0 by default.</summary>
    public float ZLoss { get; init; }

    /// <summary>
    /// Per-class weights w (PyTorch's <c>weight</c>): empty (the default) for every weight 1, or exactly C finite
    /// weights ≥ 0, checked by each call against its class count. Read as a span on every call (no copy, no allocation);
    /// must not overlap an output of the call.
    /// </summary>
    public ReadOnlyMemory<float> ClassWeights { get; init; }

    /// <summary>Whether these are the default options (the plain overloads' computation).</summary>
    internal bool IsDefault => Reduction == CrossEntropyReduction.Mean && IgnoreIndex is null && LabelSmoothing == 0f && ZLoss == 0f
        && ClassWeights.IsEmpty;

    /// <summary>Checks the options' own ranges; called at the public boundary before anything is written.</summary>
    internal void Validate(string name)
    {
        if (Reduction is not (CrossEntropyReduction.Mean or CrossEntropyReduction.Sum or CrossEntropyReduction.None))
            throw new ArgumentOutOfRangeException(name, Reduction, "Reduction is not a defined CrossEntropyReduction value.");
        if (!(LabelSmoothing >= 0f && LabelSmoothing <= 1f))
            throw new ArgumentOutOfRangeException(name, LabelSmoothing, "LabelSmoothing must be in [0, 1].");
        if (!float.IsFinite(ZLoss) || ZLoss < 0f)
            throw new ArgumentOutOfRangeException(name, ZLoss, "ZLoss must be a finite number ≥ 0.");
    }
}

/// <summary>
/// Optional per-row outputs of a cross-entropy call, each N long (N = number of rows) or empty (not computed).
/// They are filled in the same call as the loss, for every row including ignored ones (whose loss is 0).
/// </summary>
public readonly ref struct CrossEntropyRowOutputs
{
    /// <summary>The per-row losses ℓ_i (weighted, smoothed, with z-loss; 0 for an ignored row). Required with <see cref="CrossEntropyReduction.None"/>.</summary>
    public Span<float> Losses { get; init; }

    /// <summary>The per-row <c>log Σ_j exp s_ij</c>, rounded to float.</summary>
    public Span<float> LogSumExp { get; init; }

    /// <summary>The per-row index of the largest logit (the first one on ties; the first NaN if the row has one, as <c>torch.argmax</c>).</summary>
    public Span<int> Argmax { get; init; }

    internal bool Any => !Losses.IsEmpty || !LogSumExp.IsEmpty || !Argmax.IsEmpty;
}
