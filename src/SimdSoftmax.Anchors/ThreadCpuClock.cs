using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SimdSoftmax.Anchors;

/// <summary>
/// CPU time consumed by the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>). On a shared machine
/// wall time counts the slices other processes take; the thread's own CPU time does not, so single-thread kernels
/// compare fairly under load. Falls back to wall time where unavailable.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;
    private static readonly bool s_available = Probe();

    /// <summary>Whether <see cref="Seconds"/> measures thread CPU time (true) or falls back to wall time.</summary>
    public static bool IsThreadCpuTime => s_available;

    /// <summary>The current reading in seconds (only differences are meaningful).</summary>
    public static double Seconds()
    {
        if (s_available && clock_gettime(ClockThreadCpuTimeId, out TimeSpec t) == 0) return t.Seconds + t.Nanoseconds * 1e-9;
        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return clock_gettime(ClockThreadCpuTimeId, out _) == 0; }
        catch (DllNotFoundException) { return false; }
        catch (EntryPointNotFoundException) { return false; }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clockId, out TimeSpec time);
}
