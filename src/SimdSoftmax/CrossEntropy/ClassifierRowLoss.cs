namespace SimdSoftmax;

/// <summary>
/// The per-row loss the fused classifier driver (<see cref="SoftmaxLossFused"/>) applies to each block of scores, with
/// the ISA's tiles <typeparamref name="K"/>: one driver, one copy of the blocking, packing, lanes and reduction, for every
/// linear classifier whose loss is a sum over rows of a function of that row's scores.
/// </summary>
internal unsafe interface IClassifierRowLoss<K> where K : struct, IFusedClassifierKernels
{
    /// <summary>
    /// Σ over <paramref name="rows"/> rows of the row loss of <paramref name="classes"/> scores (row stride
    /// <paramref name="ld"/>), and the gradient of the mean loss, <paramref name="scale"/> = 1/N, written in place over the
    /// scores (<paramref name="g"/> = <paramref name="s"/>, stride <paramref name="ldg"/>). Only the C real classes of a
    /// row are read or written, so the padding classes keep score 0 and gradient 0.
    /// </summary>
    static abstract double Rows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale);
}

/// <summary>Softmax cross-entropy: dS = (P − onehot)/N.</summary>
internal readonly unsafe struct CrossEntropyRowLoss<K> : IClassifierRowLoss<K> where K : struct, IFusedClassifierKernels
{
    public static double Rows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale) =>
        K.CrossEntropyRows(s, labels, rows, classes, ld, g, ldg, scale);
}

/// <summary>Multiclass hinge (Δ = 1): dS = 1/N where the margin is positive, −count/N at the label.</summary>
internal readonly unsafe struct HingeRowLoss<K> : IClassifierRowLoss<K> where K : struct, IFusedClassifierKernels, ISvmIsa
{
    public static double Rows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale) =>
        MulticlassSvm.Rows<K>(s, labels, rows, classes, ld, g, ldg, scale);
}
