namespace SimdSoftmax;

/// <summary>The row blocking of <see cref="LinearCrossEntropy"/>.</summary>
internal static partial class Tuning
{
    /// <summary>
    /// Floats of logits per row block (R·C ≤ this): 4 Mi floats = 16 MiB. Each block re-reads W twice (the forward
    /// GEMM and dX) and reads + writes dW once, so R sets the flops per byte of W/dW traffic (about R/2 flops per byte);
    /// below R ≈ 64 the dW update is memory bound on Zen 4. 16 MiB keeps R = 128 at C = 32000 (1/16 of N·C at N = 2048).
    /// AMD EPYC Zen 4, see the commit measuring it.
    /// </summary>
    public const int LinearCeBlockFloats = 4 * 1024 * 1024;

    /// <summary>Most rows per block: at small C the GEMMs are already efficient at 256 rows, and more rows only grow the workspace.</summary>
    public const int LinearCeMaxBlockRows = 256;

    /// <summary>Block rows are rounded down to a multiple of this when the budget allows more than one multiple, so the GEMMs see whole row tiles.</summary>
    public const int LinearCeRowMultiple = 8;
}
