using SimdSoftmax;
using SimdSoftmax.GuardPages;

// Usage: SimdSoftmax.GuardPages <sweep> <path> [--breadcrumb FILE]
//   sweep: gemm-dense | gemm-strided | gemm-1d | gemm-large | softmax | crossentropy | classifier | all | selftest-*
//   path:  Scalar | Avx2 | Avx512
// Exit codes: 0 all cases passed; 1 a case failed (FAIL lines say which); 2 usage; 3 the path has no kernel for this
// family yet or is unavailable (SKIP line says why); 4 a managed exception escaped (EXCEPTION line names the case). A fault in a kernel kills the process (SIGSEGV/SIGABRT):
// the breadcrumb file then holds the case that was running.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: SimdSoftmax.GuardPages <sweep> <path> [--breadcrumb FILE]");
    return 2;
}
string sweepName = args[0];
if (!Enum.TryParse(args[1], out KernelPath path) || path == KernelPath.Auto)
{
    Console.Error.WriteLine($"unknown path {args[1]}");
    return 2;
}
string? breadcrumb = args.Length >= 4 && args[2] == "--breadcrumb" ? args[3] : null;

// The parent checks this line: the child must see the same CPU configuration (DOTNET_EnableAVX512=0, ...) as the test host.
Console.WriteLine($"ENV best={KernelPaths.Best} available={string.Join(',', KernelPaths.Available)}");
if (!KernelPaths.IsSupported(path))
{
    Console.WriteLine($"SKIP {path} is not available on this CPU / runtime configuration ({KernelPaths.IsaSummary()}).");
    return 3;
}

using var sweep = new Sweep(sweepName, path, breadcrumb);
if (sweepName.StartsWith("selftest-", StringComparison.Ordinal)) return SelfTest.Run(sweep, sweepName);

var clock = System.Diagnostics.Stopwatch.StartNew();
try
{
switch (sweepName)
{
    case "gemm-dense" or "gemm-strided" or "gemm-1d" or "gemm-large": GemmSweep.Run(sweep, sweepName); break;
    case "softmax": SoftmaxSweep.Run(sweep); break;
    case "crossentropy": CrossEntropySweep.Run(sweep); break;
    case "classifier": ClassifierSweep.Run(sweep); break;
    case "svm": SvmSweep.Run(sweep); break;
    case "all":
        GemmSweep.Run(sweep, "all"); SoftmaxSweep.Run(sweep); CrossEntropySweep.Run(sweep); ClassifierSweep.Run(sweep); SvmSweep.Run(sweep);
        break;
    default:
        Console.Error.WriteLine($"unknown sweep {sweepName}");
        return 2;
}
}
catch (FamilySkippedException e)
{
    Console.WriteLine($"SKIP {e.Message}");
    return 3;
}
catch (Exception e)
{
    // A managed exception out of a kernel (e.g. an index out of range) or of this harness: not a fault, but a failure.
    Console.WriteLine($"EXCEPTION {sweep.Name} {sweep.Path} [{sweep.Current}]: {e}");
    return 4;
}
Console.WriteLine($"{sweep.Summary()} seconds={clock.Elapsed.TotalSeconds:F1}");
if (sweep.Failures > 0) return 1;
if (sweep.Skipped == sweep.Cases && sweep.Cases > 0)
{
    Console.WriteLine($"SKIP {sweep.SkipReason}");
    return 3;
}
if (sweep.Skipped > 0) Console.WriteLine($"PARTIAL {sweep.Skipped} of {sweep.Cases} cases skipped: {sweep.SkipReason}");
return 0;
