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
    /// Bytes of packed Wᵀ per forward chunk of D: all of <see cref="L1Bytes"/>. It holds all of W for MNIST (C = 10,
    /// D = 784, 31 KiB packed), so each row of X is then read in one sequential stream; the row pairs of X stream past it
    /// from L2. Not re-measured against smaller chunks on Zen 4.
    /// </summary>
    public const int ClassifierChunkBytes = L1Bytes;

    /// <summary>Upper bound on the fused classifier's lanes (row ranges with their own dW partial), and so on its useful threads.</summary>
    public const int ClassifierMaxLanes = 4;

    /// <summary>A lane gets at least this many rows, so small batches keep a single partial.</summary>
    public const int ClassifierRowsPerLane = 512;
}
