using System.Diagnostics;
using SimdSoftmax.Anchors;

namespace SimdSoftmax.Cli.Compare;

/// <summary>A timing: median seconds per call and the spread of the samples around it.</summary>
internal readonly record struct Timing(double MedianSeconds, double SpreadPercent, int Samples);

/// <summary>
/// Calibrated timing: a warm-up call (JIT, page faults), then enough calls per sample that one sample lasts at least
/// a millisecond, then samples until the time budget is spent (at least 5). Reports the median and the
/// interquartile range relative to it, so a noisy run shows as a wide spread instead of a wrong number.
/// Single-threaded runs are timed with the calling thread's CPU clock where the OS has one (Linux), so time the
/// thread spends descheduled on a shared machine does not count; multi-threaded runs use wall time.
/// </summary>
internal static class Timer
{
    public static Timing Measure(Action run, double budgetSeconds, bool singleThread = true)
    {
        Func<double> clock = singleThread && ThreadCpuClock.IsThreadCpuTime
            ? ThreadCpuClock.Seconds
            : () => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        double w0 = clock();
        run();
        double once = Math.Max(clock() - w0, 1e-8);
        // Second warm-up: tiered JIT may have promoted the code after the first call.
        w0 = clock();
        run();
        once = Math.Min(once, Math.Max(clock() - w0, 1e-8));

        int inner = (int)Math.Clamp(Math.Ceiling(1e-3 / once), 1, 1_000_000);
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < 5 || (total.Elapsed.TotalSeconds < budgetSeconds && samples.Count < 101))
        {
            double t0 = clock();
            for (int i = 0; i < inner; i++) run();
            samples.Add((clock() - t0) / inner);
            if (samples.Count >= 5 && total.Elapsed.TotalSeconds > 4 * budgetSeconds) break; // a slow path: stop early
        }
        samples.Sort();
        double median = Quantile(samples, 0.5);
        double iqr = Quantile(samples, 0.75) - Quantile(samples, 0.25);
        return new Timing(median, 100 * iqr / median, samples.Count);
    }

    private static double Quantile(List<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
