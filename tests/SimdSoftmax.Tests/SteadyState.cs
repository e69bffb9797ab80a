namespace SimdSoftmax.Tests;

/// <summary>
/// Allocation checks for steady-state calls. The runtime itself now and then allocates a few KB on the calling thread
/// (tier-up, OSR; a GEMM zero-allocation check failed once with 7,896 bytes in a clean-clone CI run that passed
/// otherwise), so a check measures up to 10 attempts and keeps the fewest bytes: a one-off runtime allocation cannot
/// fail it, an allocation in every call fails every attempt.
/// </summary>
internal static class SteadyState
{
    /// <summary>Warms <paramref name="call"/> once, then returns the fewest bytes allocated on this thread by <paramref name="calls"/> calls over up to 10 attempts.</summary>
    public static long AllocatedBytes(Action call, int calls = 2)
    {
        call();
        long fewest = long.MaxValue;
        for (int attempt = 0; attempt < 10 && fewest != 0; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) call();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
