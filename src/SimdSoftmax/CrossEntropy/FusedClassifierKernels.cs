namespace SimdSoftmax;

/// <summary>The per-ISA pieces the fused classifier driver (<see cref="SoftmaxLossFused"/>) is generic over.</summary>
internal unsafe interface IFusedClassifierKernels
{
    /// <summary>Floats per vector.</summary>
    static abstract int Width { get; }
    /// <summary>Classes per microkernel tile; C is padded (with zero weights) to a multiple of it.</summary>
    static abstract int ClassifierClassTile { get; }
    /// <summary>
    /// Forward tile: 2 rows × <see cref="ClassifierClassTile"/> classes over <paramref name="count"/> columns of D. Each
    /// full-vector step also issues one L2 prefetch at <paramref name="pf"/> and advances it by <paramref name="pfStep"/> (0: stay).
    /// </summary>
    static abstract void ClassifierScores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep);
    /// <summary>
    /// Backward tile: <see cref="ClassifierClassTile"/> classes × 2 vectors of D, over <paramref name="rows"/> rows; one L2
    /// prefetch at <paramref name="pf"/> per row, advancing by <paramref name="pfStep"/>.
    /// </summary>
    static abstract void ClassifierGradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep);
    /// <summary>
    /// Input-gradient tile over a row block: <c>dX = dS·Wᵀ</c> for <paramref name="rows"/> rows and all D columns, from the
    /// packed Wᵀ at <paramref name="w"/> (<paramref name="nVec"/> vectors of D per class tile), streamed through <paramref name="scratch"/> when it is not null; see <see cref="InputGradientTile{TIsa, V}"/>.
    /// </summary>
    static abstract void ClassifierInputGradient(float* ds, nint lds, int rows, int c, float* w, int nVec, float* dx, nint ldx, int d, float* scratch);
    /// <summary>Horizontal sum of the vector at <paramref name="v"/>.</summary>
    static abstract float ClassifierSumAt(float* v);
    /// <summary>Horizontal sums of the <see cref="Width"/> consecutive vectors at <paramref name="v"/> into <see cref="Width"/> floats at <paramref name="dst"/>.</summary>
    static abstract void ClassifierSumsOfWidth(float* v, float* dst);
    /// <summary>The ISA's cross-entropy rows (<see cref="CrossEntropyRows{TIsa, V}.Run"/>) on a block of scores.</summary>
    static abstract double CrossEntropyRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale);
    /// <summary>
    /// One row through the ISA's row-at-a-time cross-entropy (<see cref="CrossEntropyLongRow{T, V}.Row"/>): the fused pass's
    /// per-row option step, where the short-row kernels' per-call setup would cost more than the row.
    /// </summary>
    static abstract double CrossEntropyRow(float* s, int label, int c, float* g, float scale);
}
