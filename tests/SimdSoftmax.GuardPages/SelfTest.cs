using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SimdSoftmax.GuardPages;

/// <summary>
/// Proves the guards fire: each mode deliberately makes the mistake a kernel could make. The xunit side expects
/// these runs to die (or, for the canary check, to report a failure) and to name the case — a guard that never
/// fires would make every guard-page run worthless.
/// </summary>
internal static class SelfTest
{
    public static int Run(GuardPageRun s, string mode)
    {
        using var region = new GuardedRegion(1024);
        switch (mode)
        {
            case "selftest-overread":
            {
                Span<float> tail = region.Tail(16);
                s.Begin("self-test: read one float past the end of a tail span");
                Console.WriteLine($"read {Peek(ref MemoryMarshal.GetReference(tail), 16)}");
                return 0; // not reached when the guard works
            }
            case "selftest-underread":
            {
                Span<float> head = region.Head(16);
                s.Begin("self-test: read one float before the start of a head span");
                Console.WriteLine($"read {Peek(ref MemoryMarshal.GetReference(head), -1)}");
                return 0;
            }
            case "selftest-readonly":
            {
                Span<float> input = region.Tail(16);
                region.ReadOnly();
                s.Begin("self-test: write to a read-only input");
                Poke(ref MemoryMarshal.GetReference(input), 3, 1f);
                return 0;
            }
            case "selftest-canary":
            {
                region.All.Fill(Canary.Value);
                s.Begin("self-test: write one float before a tail span");
                int start = region.Start(16, tail: true);
                region.All[start - 1] = 0f;
                s.CheckOutside(region, start, 16, "out");
                return s.Failures > 0 ? 1 : 0;
            }
            default:
                Console.Error.WriteLine($"unknown self-test {mode}");
                return 2;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Peek(ref float origin, int offset) => Unsafe.Add(ref origin, offset);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Poke(ref float origin, int offset, float value) => Unsafe.Add(ref origin, offset) = value;
}
