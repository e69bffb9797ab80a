namespace SimdSoftmax;

/// <summary>Whether a GEMM operand is used as stored or transposed (BLAS <c>CblasNoTrans</c> / <c>CblasTrans</c>).</summary>
public enum Transpose
{
    /// <summary>Use the matrix as stored.</summary>
    No = 0,
    /// <summary>Use the transpose of the stored matrix.</summary>
    Yes = 1,
}
