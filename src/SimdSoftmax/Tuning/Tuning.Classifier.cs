namespace SimdSoftmax;

/// <summary>The fused classifier's cache blocking, lanes and the form crossover.</summary>
internal static partial class Tuning
{
    /// <summary>
    /// Cache sizes the classifier's blocks are sized for: AMD EPYC Zen 4 (this project's reference machine), per core
    /// 32 KiB L1d and 1 MiB L2 (lscpu: 64 KiB L1d and 2 MiB L2 over 2 instances).
    /// </summary>
    public const int L1Bytes = 32 * 1024, L2Bytes = 1024 * 1024;

    /// <summary>
    /// Bytes of X per row block of the fused classifier: 3/8 of <see cref="L2Bytes"/>, so the block stays in L2 next to
    /// packed Wᵀ and the lane's dWᵀ partial between the forward and backward pass.
    /// </summary>
    public const int ClassifierBlockBytes = 3 * L2Bytes / 8;

    /// <summary>
    /// Bytes of packed Wᵀ per forward chunk of D: half of <see cref="L1Bytes"/>, so the chunk stays in L1 next to the lines
    /// of X the row pairs stream past it (a chunk of all of L1 was evicted by X and reloaded from L2). AMD EPYC Zen 4, 1
    /// thread, Avx512, interleaved medians, (5000, 3073, 10) relative to 32 KiB: 24 KiB 0.935, 20 KiB 0.934, 16 KiB 0.933,
    /// 12 KiB 0.942, 8 KiB 0.964; (100, 784, 10): 16 KiB 0.985, 8 KiB 1.06 (MNIST's W, 31 KiB packed, now takes two chunks).
    /// </summary>
    public const int ClassifierChunkBytes = L1Bytes / 2;

    /// <summary>
    /// Classes up to which the classifier's Auto form is the fused one (<c>SoftmaxLoss.FusedMaxClasses</c>). AMD EPYC
    /// Zen 4, single thread, <c>classifier-sweep quick NxDxC</c>, ms composed vs fused on AVX-512 (AVX2): N×D = 4000×784 —
    /// C = 32: 15.3 vs 10.7 (13.0 vs 9.8); 40: 21.7 vs 10.3 (22.5 vs 10.8); 48: 16.8 vs 15.3 (16.2 vs 11.7);
    /// 64: 19.2 vs 25.6 (26.7 vs 20.0). N×D = 2000×3073 — 32: 30.5 vs 23.6; 40: 23.6 vs 15.1; 48: 24.9 vs 25.5 (a tie);
    /// 64: 21.8 vs 24.6. AVX-512 crosses at about 48; 40 (a multiple of the AVX-512 class tile of 10, so no padded
    /// classes) keeps the fused form only where it clearly wins. Figures from a loaded 2-core machine: ±10%.
    /// The options overload (class weights, ignore index, reductions, row losses, dX) follows the same rule; the
    /// crossover was not re-measured with dX, where the fused form saves the composed form's second read of X and its
    /// N×C scores as before, and writes dX the same once.
    /// </summary>
    public const int ClassifierFusedMaxClasses = 40;

    /// <summary>Upper bound on the fused classifier's lanes (row ranges with their own dW partial), and so on its useful threads.</summary>
    public const int ClassifierMaxLanes = 4;

    /// <summary>A lane gets at least this many rows, so small batches keep a single partial.</summary>
    public const int ClassifierRowsPerLane = 512;
}
