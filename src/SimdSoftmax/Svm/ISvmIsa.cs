namespace SimdSoftmax;

/// <summary>
/// What the multiclass SVM drivers (<see cref="MulticlassSvm"/> on logits, <see cref="SvmLossFused"/> and
/// <see cref="SvmLossComposed"/> for the classifier) need from an instruction set. Implemented by <see cref="Avx2Isa"/>
/// and <see cref="Avx512Isa"/> in <c>Isa/*.Svm.cs</c>; the public entries pick the type once and the drivers are generic over it.
/// </summary>
internal unsafe interface ISvmIsa
{
    /// <summary>The path this ISA is (the GEMMs of the composed form run on it).</summary>
    static abstract KernelPath Path { get; }

    /// <summary>Floats per vector of the fused classifier's tiles (and its padding of D).</summary>
    static abstract int Width { get; }

    /// <summary>Classes per fused-classifier tile; C is padded with zero weights to a multiple of it.</summary>
    static abstract int ClassTile { get; }

    /// <summary>Forward tile of the fused classifier: partial scores of 2 rows × <see cref="ClassTile"/> classes over <paramref name="count"/> columns of D (the softmax classifier's microkernel).</summary>
    static abstract void Scores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep);

    /// <summary>Backward tile of the fused classifier: <see cref="ClassTile"/> classes × 2 vectors of D over <paramref name="rows"/> rows of <c>dS</c> (the softmax classifier's microkernel).</summary>
    static abstract void Gradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep);

    /// <summary>Horizontal sum of the vector at <paramref name="v"/>.</summary>
    static abstract float SumAcross(float* v);

    /// <summary>Horizontal sums of <see cref="Width"/> consecutive vectors at <paramref name="v"/> into <see cref="Width"/> floats at <paramref name="dst"/>.</summary>
    static abstract void SumAcrossWidth(float* v, float* dst);

    /// <summary>
    /// The hinge over <paramref name="rows"/> rows of <paramref name="classes"/> scores (row strides <paramref name="ld"/>,
    /// <paramref name="ldg"/>): returns <c>Σ_rows Σ_{j≠y} max(0, s_j − s_y + 1)</c> (NaN margins propagate) and, when
    /// <paramref name="g"/> is not null, writes <c>scale</c> where the margin is &gt; 0, 0 elsewhere and <c>−count·scale</c>
    /// at the label. <paramref name="g"/> may be <paramref name="s"/>. Only the <paramref name="classes"/> floats of each
    /// row are read or written.
    /// </summary>
    static abstract double HingeRows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale);
}
