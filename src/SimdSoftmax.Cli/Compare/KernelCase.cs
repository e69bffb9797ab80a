namespace SimdSoftmax.Cli.Compare;

/// <summary>What bounds a kernel, and so what its "% of limit" column is a fraction of.</summary>
internal enum LimitKind
{
    /// <summary>Compute: achieved GFLOPS over the measured FMA peak of the path's vector width.</summary>
    FmaPeak,
    /// <summary>Memory: achieved bytes moved per second over the measured copy bandwidth.</summary>
    CopyBandwidth,
    /// <summary>The larger of the two bounds: max(bytes / read bandwidth, flops / FMA peak) over the measured time.</summary>
    Roofline,
}

/// <summary>An outside implementation timed beside our paths: OpenBLAS, oneDNN, MathNet, TensorPrimitives.</summary>
/// <param name="Name">Column label, e.g. "OpenBLAS".</param>
/// <param name="Run">One call; returns the output to verify against the scalar reference.</param>
/// <param name="VectorBits">Width its kernels use (for the FMA-peak fraction): 256 for OpenBLAS's Haswell kernels.</param>
internal sealed record Anchor(string Name, Func<float[]> Run, int VectorBits);

/// <summary>One shape of one kernel family in the compare table.</summary>
internal sealed class KernelCase
{
    public required string Family { get; init; }
    public required string Name { get; init; }
    /// <summary>One call on a path with a thread count (0 = the library's default); returns the output buffer.</summary>
    public required Func<KernelPath, int, float[]> Run { get; init; }
    public double Flops { get; init; }
    public double Elements { get; init; }
    /// <summary>Bytes a call must move at least (inputs read once, outputs written once).</summary>
    public double Bytes { get; init; }
    public LimitKind Limit { get; init; }
    /// <summary>Whether the kernel spreads over <c>--threads</c> (its limit is then the N-thread one); false: it runs on the calling thread.</summary>
    public bool UsesThreads { get; init; } = true;
    /// <summary>Largest accepted normwise relative difference from the scalar reference.</summary>
    public double Tolerance { get; init; } = 1e-5;
    /// <summary>Skip timing the scalar path (it would take seconds); it still runs once to verify the others.</summary>
    public bool ScalarUntimed { get; init; }
    public IReadOnlyList<Anchor> Anchors { get; init; } = [];
    /// <summary>
    /// Named variants of the SIMD paths (the classifier's composed and fused forms): each runs on every SIMD path as
    /// its own row, "Avx512 fused"; the scalar reference runs once through <see cref="Run"/>. Empty: one row per path.
    /// </summary>
    public IReadOnlyList<(string Name, Func<KernelPath, int, float[]> Run)> Variants { get; init; } = [];
    /// <summary>
    /// Gathers the outputs of the last call into one buffer to verify (several outputs, or one with the loss), outside
    /// the timed calls: copying a 40 MB gradient inside them would count a second copy against the kernel. Null: the
    /// buffer <see cref="Run"/> returns is the output.
    /// </summary>
    public Func<float[]>? Collect { get; init; }
}
