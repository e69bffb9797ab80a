using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SimdSoftmax.Cli;

/// <summary>
/// <c>simdsoftmax COMMAND [options]</c> on System.CommandLine: every command declares typed options (shown by
/// <c>simdsoftmax COMMAND --help</c>); a bad option, an unwritable output path or a bad value found while running is
/// one line on stderr and exit code 2.
/// </summary>
internal static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SimdSoftmax: AVX2 / AVX-512 kernels timed and verified against their scalar reference, and the softmax classifier trained on them.")
        {
            InfoCommand.Create(),
            Compare.CompareCommand.Create(),
            TrainCommand.Create(),
            SweepCommand.Create(),
            GradcheckCommand.Create(),
        };
        root.SetAction(r =>
        {
            r.RootCommandResult.Command.Parse(["--help"]).Invoke(r.InvocationConfiguration);
            return 1;
        });
        return root;
    }

    public static int Run(string[] args)
    {
        RootCommand root = Build();
        var invocation = new InvocationConfiguration { Output = Console.Out, Error = Console.Error, EnableDefaultExceptionHandler = false };
        ParseResult parse = root.Parse(args);
        string who = parse.CommandResult.Command is RootCommand ? "simdsoftmax" : $"simdsoftmax {parse.CommandResult.Command.Name}";
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"{who}: {parse.Errors[0].Message} (see {who} --help)");
            return 2;
        }
        try
        {
            return parse.Invoke(invocation);
        }
        catch (OptionException e)
        {
            Console.Error.WriteLine($"{who}: {e.Message}");
            return 2;
        }
    }
}

/// <summary>A bad command-line value found while running (a data directory, a validation split): one line, exit code 2.</summary>
internal sealed class OptionException(string message) : Exception(message);

/// <summary>Typed options with range checks whose messages name the option and the accepted range.</summary>
internal static class Opt
{
    public static Option<int> Int(string name, string description, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        return new Option<int>(name)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string s = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
                    r.AddError($"{name} must be a whole number in [{min}, {max}], not '{s}'.");
                return v;
            },
        };
    }

    /// <summary>A finite float in the given range (<paramref name="minExclusive"/> makes the lower bound open).</summary>
    public static Option<float> Float(string name, string description, float defaultValue, float min = float.MinValue, float max = float.MaxValue, bool minExclusive = false)
    {
        return new Option<float>(name)
        {
            Description = description,
            HelpName = "F",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string s = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v)
                    || v < min || v > max || (minExclusive && v == min))
                {
                    string range = (minExclusive ? "> " : "≥ ") + min.ToString(CultureInfo.InvariantCulture)
                        + (max < float.MaxValue ? " and ≤ " + max.ToString(CultureInfo.InvariantCulture) : "");
                    r.AddError($"{name} must be a finite number {range}, not '{s}'.");
                }
                return v;
            },
        };
    }

    /// <summary>A comma-separated list of finite numbers ≥ 0.</summary>
    public static Option<float[]> FloatList(string name, string description, float[] defaultValue)
    {
        return new Option<float[]>(name)
        {
            Description = description,
            HelpName = "F,F,..",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                string s = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                var values = new List<float>();
                foreach (string part in s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v) || v < 0)
                    {
                        r.AddError($"{name} must be a comma-separated list of finite numbers ≥ 0, not '{s}'.");
                        return [];
                    }
                    values.Add(v);
                }
                if (values.Count == 0) r.AddError($"{name} needs at least one value.");
                return values.ToArray();
            },
        };
    }

    /// <summary><c>--path</c>: a kernel path this process can run.</summary>
    public static Option<KernelPath> Path()
    {
        var o = new Option<KernelPath>("--path")
        {
            Description = "kernel path: auto (the best this CPU has), scalar (the reference), avx2, avx512",
            DefaultValueFactory = _ => KernelPath.Auto,
            HelpName = "auto|scalar|avx2|avx512",
            CustomParser = r =>
            {
                string s = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (!Enum.TryParse(s, ignoreCase: true, out KernelPath p) || !Enum.IsDefined(p) || int.TryParse(s, out _))
                {
                    r.AddError($"--path must be one of auto, scalar, avx2, avx512, not '{s}'.");
                    return KernelPath.Auto;
                }
                if (!KernelPaths.IsSupported(p))
                    r.AddError($"--path {s}: this CPU (or the runtime's configuration) cannot run it. Available: {string.Join(", ", KernelPaths.Available)}.");
                return p;
            },
        };
        return o;
    }

    /// <summary>
    /// A file the command writes at the end of its run, checked when the command line is parsed: its directory must exist
    /// and the file must be creatable there, so a long run never ends in an I/O error.
    /// </summary>
    public static Option<string?> OutputFile(string name, string description, string helpName = "FILE")
    {
        var o = new Option<string?>(name) { Description = description, HelpName = helpName };
        o.Validators.Add(r =>
        {
            string? path = r.GetValueOrDefault<string?>();
            if (path is not null && CheckWritable(path) is string problem) r.AddError($"{name} {path}: {problem}");
        });
        return o;
    }

    /// <summary>Why <paramref name="path"/> cannot be written, or null when it can (probed by opening it for writing).</summary>
    internal static string? CheckWritable(string path)
    {
        string full;
        try { full = System.IO.Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return "not a valid file path."; }
        if (path.Length == 0 || Directory.Exists(full)) return "is a directory, not a file.";
        string? dir = System.IO.Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) return $"the directory {dir} does not exist.";
        bool existed = File.Exists(full);
        try
        {
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)) { }
            if (!existed) File.Delete(full);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written ({e.Message})";
        }
    }
}
