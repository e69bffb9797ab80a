using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SimdSoftmax.Tests;

/// <summary>
/// Compiles every <c>```csharp</c> block of the README as a console program (top-level statements, the SDK's implicit
/// usings, references to both packages), runs it in-process and, where an <c>Output:</c> block follows, compares what
/// it printed: the quick start a new user copies can never rot.
/// </summary>
[Collection("Console")]
public sealed partial class ReadmeTests
{
    [GeneratedRegex(@"```csharp\n(?<code>.*?)```(?:\s*Output:\s*```text\n(?<output>.*?)```)?", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    public static TheoryData<int> Blocks()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < CodeBlock().Matches(ReadReadme()).Count; i++) data.Add(i);
        return data;
    }

    private static string ReadReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, "README.md");
            if (File.Exists(path) && File.Exists(Path.Combine(dir.FullName, "SimdSoftmax.sln")))
                return File.ReadAllText(path).ReplaceLineEndings("\n");
        }
        throw new FileNotFoundException("README.md next to SimdSoftmax.sln, above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_readme_has_a_quick_start_with_its_output_and_at_most_200_lines()
    {
        string readme = ReadReadme();
        Assert.True(readme.Split('\n').Length <= 201, $"README.md has {readme.Split('\n').Length} lines");
        Assert.Contains(CodeBlock().Matches(readme), m => m.Groups["output"].Success);
    }

    [Theory, MemberData(nameof(Blocks))]
    public void A_csharp_block_compiles_runs_and_prints_what_the_readme_says(int index)
    {
        Match block = CodeBlock().Matches(ReadReadme())[index];
        byte[] image = Compile(block.Groups["code"].Value);
        Assembly program = Assembly.Load(image);

        TextWriter old = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            object? result = program.EntryPoint!.Invoke(null, program.EntryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            if (result is int code) Assert.Equal(0, code);
        }
        finally
        {
            Console.SetOut(old);
        }
        if (block.Groups["output"].Success)
            Assert.Equal(block.Groups["output"].Value.TrimEnd(), output.ToString().ReplaceLineEndings("\n").TrimEnd());
    }

    private static byte[] Compile(string code)
    {
        // What `dotnet new console` enables: the implicit global usings of the SDK.
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; "
            + "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(Softmax).Assembly.Location)
            .Append(typeof(SoftmaxClassifier).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("ReadmeBlock",
            [CSharpSyntaxTree.ParseText(code, parse), CSharpSyntaxTree.ParseText(implicitUsings, parse)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success && problems.Count == 0, "README block does not compile cleanly:\n" + string.Join("\n", problems) + "\n" + code);
        return stream.ToArray();
    }
}
