using SimdSoftmax;
using SimdSoftmax.GuardPages;

// Usage: SimdSoftmax.GuardPages <family> <path> [--breadcrumb FILE]
//   family: gemm-dense | gemm-strided | gemm-1d | gemm-large | softmax | crossentropy | rows-strided | classifier | svm | all | selftest-*
//   path:  Scalar | Avx2 | Avx512
// Exit codes: 0 all cases passed; 1 a case failed (FAIL lines say which); 2 usage; 3 the path has no kernel for this
// family yet or is unavailable (SKIP line says why); 4 a managed exception escaped (EXCEPTION line names the case). A fault in a kernel kills the process (SIGSEGV/SIGABRT):
// the breadcrumb file then holds the case that was running.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: SimdSoftmax.GuardPages <family> <path> [--breadcrumb FILE]");
    return 2;
}
string familyName = args[0];
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

using var run = new GuardPageRun(familyName, path, breadcrumb);
if (familyName.StartsWith("selftest-", StringComparison.Ordinal)) return SelfTest.Run(run, familyName);

var clock = System.Diagnostics.Stopwatch.StartNew();
try
{
switch (familyName)
{
    case "gemm-dense" or "gemm-strided" or "gemm-1d" or "gemm-large": GemmSweep.Run(run, familyName); break;
    case "softmax": SoftmaxGuardPageCases.Run(run); break;
    case "crossentropy": CrossEntropyGuardPageCases.Run(run); break;
    case "rows-strided": StridedRowsGuardPageCases.Run(run); break;
    case "classifier": ClassifierGuardPageCases.Run(run, ClassifierFamily.Softmax); break;
    case "svm": ClassifierGuardPageCases.Run(run, ClassifierFamily.Svm); break;
    case "all":
        GemmSweep.Run(run, "all"); SoftmaxGuardPageCases.Run(run); CrossEntropyGuardPageCases.Run(run); StridedRowsGuardPageCases.Run(run); ClassifierGuardPageCases.Run(run, ClassifierFamily.Softmax); ClassifierGuardPageCases.Run(run, ClassifierFamily.Svm);
        break;
    default:
        Console.Error.WriteLine($"unknown family {familyName}");
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
    Console.WriteLine($"EXCEPTION {run.Name} {run.Path} [{run.Current}]: {e}");
    return 4;
}
Console.WriteLine($"{run.Summary()} seconds={clock.Elapsed.TotalSeconds:F1}");
if (run.Failures > 0) return 1;
if (run.Skipped == run.Cases && run.Cases > 0)
{
    Console.WriteLine($"SKIP {run.SkipReason}");
    return 3;
}
if (run.Skipped > 0) Console.WriteLine($"PARTIAL {run.Skipped} of {run.Cases} cases skipped: {run.SkipReason}");
return 0;
