namespace SimdSoftmax;

/// <summary>
/// What the multiclass SVM drivers (<see cref="MulticlassSvm"/> on logits, <see cref="HingeRowLoss{K}"/> in the fused driver and
/// <see cref="SvmLossComposed"/> for the classifier) need from an instruction set. Implemented by <see cref="Avx2Isa"/>
/// and <see cref="Avx512Isa"/> in <c>Isa/*.Svm.cs</c>; the public entries pick the type once and the drivers are generic over it.
/// </summary>
internal unsafe interface ISvmIsa
{
    /// <summary>The path this ISA is (the GEMMs of the composed form run on it).</summary>
    static abstract KernelPath Path { get; }

    /// <summary>
    /// The hinge over <paramref name="rows"/> rows of <paramref name="classes"/> scores (row strides <paramref name="ld"/>,
    /// <paramref name="ldg"/>): returns <c>Σ_rows Σ_{j≠y} max(0, s_j − s_y + 1)</c> (NaN margins propagate) and, when
    /// <paramref name="g"/> is not null, writes <c>scale</c> where the margin is &gt; 0, 0 elsewhere and <c>−count·scale</c>
    /// at the label. <paramref name="g"/> may be <paramref name="s"/>. Only the <paramref name="classes"/> floats of each
    /// row are read or written.
    /// </summary>
    static abstract double HingeRows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale);
}
