using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>The data-order rules: REPRO1013–REPRO1016 and REPRO1017.</summary>
public class DataOrderRulesTests
{
    [Theory]
    [InlineData("var lines = new List<string>(); foreach (var f in Directory.{|REPRO1013:GetFiles(folder)|}) { lines.AddRange(File.ReadAllLines(f)); }")]
    [InlineData("var files = Directory.{|REPRO1013:EnumerateFiles(folder, \"*.png\")|}.Where(f => f.Length > 4).ToList();")]
    [InlineData("var infos = new DirectoryInfo(folder).{|REPRO1013:GetFiles()|};")]
    [InlineData("var dirs = Directory.{|REPRO1013:GetDirectories(folder)|}.Take(10).OrderBy(d => d).ToList();")]
    // A stable sort by a key that ties keeps the file-system order among the ties.
    [InlineData("var files = Directory.{|REPRO1013:GetFiles(folder)|}.OrderBy(f => new FileInfo(f).Length).ToList();")]
    [InlineData("var files = new DirectoryInfo(folder).{|REPRO1013:GetFiles()|}.OrderByDescending(f => f.LastWriteTimeUtc).First();")]
    [InlineData("var files = Directory.{|REPRO1013:GetFiles(folder)|}.OrderBy(f => Path.GetExtension(f)).ToList();")]
    // A name is unique in one folder, not across a recursive listing.
    [InlineData("var files = new DirectoryInfo(folder).{|REPRO1013:GetFiles(\"*\", SearchOption.AllDirectories)|}.OrderBy(f => f.Name).ToList();")]
    // A floating-point sum depends on the order of its terms.
    [InlineData("var total = Directory.{|REPRO1013:GetFiles(folder)|}.Sum(f => new FileInfo(f).Length / 1e6);")]
    // A loop that does more than delete or copy each file: its output follows the listing's order.
    [InlineData("foreach (var f in Directory.{|REPRO1013:GetFiles(folder)|}) { Console.WriteLine(f); File.Delete(f); }")]
    public Task Unsorted_listings_are_reported(string statement) => Run<UnorderedDirectoryListingAnalyzer>(statement);

    [Theory]
    [InlineData("var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();")]
    [InlineData("var files = Directory.EnumerateFiles(folder).Where(f => f.EndsWith(\".png\")).OrderBy(f => f, StringComparer.Ordinal);")]
    [InlineData("var files = Directory.GetFiles(folder); Array.Sort(files, StringComparer.Ordinal);")]
    [InlineData("var files = Directory.GetFiles(folder).ToList(); files.Sort(StringComparer.Ordinal);")]
    [InlineData("var count = Directory.GetFiles(folder).Length; var any = Directory.EnumerateFiles(folder).Any();")]
    // Reductions that order cannot change.
    [InlineData("var newest = Directory.GetFiles(folder).Max(f => File.GetLastWriteTimeUtc(f));")]
    [InlineData("var smallest = new DirectoryInfo(folder).GetFiles().Min(f => f.Length);")]
    [InlineData("var bytes = new DirectoryInfo(folder).GetFiles().Sum(f => f.Length);")]
    // Ties broken by a unique key, or a unique key alone.
    [InlineData("var files = new DirectoryInfo(folder).GetFiles().OrderBy(f => f.Length).ThenBy(f => f.FullName, StringComparer.Ordinal).ToList();")]
    [InlineData("var files = new DirectoryInfo(folder).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal).ToList();")]
    [InlineData("var files = Directory.GetFiles(folder, \"*.bin\", SearchOption.AllDirectories).OrderBy(f => Path.GetFullPath(f), StringComparer.Ordinal).ToList();")]
    // Each entry deleted, copied or moved: the end state is the same in any order.
    [InlineData("foreach (var f in Directory.GetFiles(folder, \"*.tmp\")) { File.Delete(f); }")]
    [InlineData("foreach (var f in Directory.EnumerateFiles(folder)) File.Copy(f, Path.Combine(\"/backup\", Path.GetFileName(f)), true);")]
    [InlineData("foreach (var d in new DirectoryInfo(folder).GetDirectories(\"run-*\")) d.Delete(true);")]
    public Task Sorted_or_counted_listings_are_not_reported(string statement) => Run<UnorderedDirectoryListingAnalyzer>(statement);

    [Fact]
    public Task A_listing_handed_to_a_helper_in_the_same_file_that_sorts_it_is_not_reported_and_one_that_does_not_is() =>
        TorchAnalyzerTest.Create<UnorderedDirectoryListingAnalyzer>(TorchAnalyzerTest.Usings + """
            static class Samples
            {
                public static List<string> Load(string folder) => Sorted(Directory.GetFiles(folder, "*.png"));

                public static List<string> LoadRaw(string folder) => Unsorted(Directory.{|REPRO1013:GetFiles(folder, "*.png")|});

                static List<string> Sorted(IEnumerable<string> paths) => paths.Order(StringComparer.Ordinal).ToList();

                static List<string> Unsorted(IEnumerable<string> paths) => paths.Where(p => p.Length > 0).ToList();
            }
            """).RunAsync();

    [Theory]
    [InlineData("var r = Enumerable.Range(0, 9).{|REPRO1014:AsParallel()|}.Select(i => i * 2).ToList();")]
    [InlineData("foreach (var i in Enumerable.Range(0, 9).{|REPRO1014:AsParallel()|}.Where(i => i > 2)) { }")]
    [InlineData("var r = ParallelEnumerable.{|REPRO1014:AsParallel(Enumerable.Range(0, 9))|}.ToArray();")]
    public Task Unordered_parallel_queries_are_reported(string statement) => Run<UnorderedParallelQueryAnalyzer>(statement);

    [Theory]
    [InlineData("var r = Enumerable.Range(0, 9).AsParallel().AsOrdered().Select(i => i * 2).ToList();")]
    [InlineData("var n = Enumerable.Range(0, 9).AsParallel().Where(i => i > 2).Count();")]
    [InlineData("var r = Enumerable.Range(0, 9).AsParallel().Select(i => i * 2).OrderBy(i => i).ToList();")]
    public Task Ordered_or_order_free_parallel_queries_are_not_reported(string statement) => Run<UnorderedParallelQueryAnalyzer>(statement);

    [Theory]
    [InlineData("var s = Enumerable.Range(0, 9).AsParallel().{|REPRO1015:Sum(i => i * 0.5)|};")]
    [InlineData("var s = Enumerable.Range(0, 9).Select(i => (float)i).AsParallel().{|REPRO1015:Average()|};")]
    [InlineData("var s = Enumerable.Range(0, 9).AsParallel().{|REPRO1015:Aggregate(0.0, (a, i) => a + i)|};")]
    [InlineData("double total = 0; System.Threading.Tasks.Parallel.{|REPRO1015:For(0, 10, () => 0.0, (i, state, local) => local + i, local => total += local)|};")]
    public Task Parallel_floating_point_reductions_are_reported(string statement) => Run<ParallelFloatReductionAnalyzer>(statement);

    [Theory]
    [InlineData("var s = Enumerable.Range(0, 9).AsParallel().Sum();")]
    [InlineData("var s = Enumerable.Range(0, 9).Select(i => i * 0.5).Sum();")]
    [InlineData("long total = 0; System.Threading.Tasks.Parallel.For(0, 10, () => 0L, (i, state, local) => local + i, local => System.Threading.Interlocked.Add(ref total, local));")]
    public Task Integer_or_sequential_reductions_are_not_reported(string statement) => Run<ParallelFloatReductionAnalyzer>(statement);

    [Theory]
    [InlineData("var set = new HashSet<string>(); var vocabulary = new List<string>(); foreach (var s in {|REPRO1016:set|}) { vocabulary.Add(s); }")]
    // Printed and also used: the order reaches data.
    [InlineData("var set = new HashSet<string>(); var next = 0; var ids = new Dictionary<string, int>(); foreach (var s in {|REPRO1016:set|}) { Console.WriteLine(s); ids[s] = next++; }")]
    [InlineData("var classes = new Dictionary<string, int>(); var text = string.Join(\", \", {|REPRO1016:classes.Keys|}.ToList()); File.WriteAllText(\"classes.txt\", text);")]
    [InlineData("var classes = new Dictionary<string, int>(); var names = {|REPRO1016:classes.Keys|}.ToList();")]
    [InlineData("var classes = new Dictionary<string, int>(); var pairs = {|REPRO1016:classes|}.Select(p => p.Key).ToArray();")]
    [InlineData("var counts = new Dictionary<string, int>(); var rare = {|REPRO1016:counts|}.Where(p => p.Value == 1).Select(p => p.Key).ToList();")]
    [InlineData("var set = new HashSet<string>(); var ids = {|REPRO1016:set|}.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);")]
    [InlineData("var set = new HashSet<string>(); File.WriteAllText(\"labels.txt\", string.Join(\";\", {|REPRO1016:set|}));")]
    [InlineData("var set = new HashSet<string>(); var list = new List<string>(); foreach (var s in {|REPRO1016:set|}.Where(s => s.Length > 0)) { list.Add(s); }")]
    public Task Hash_order_enumeration_is_reported(string statement) => Run<HashOrderEnumerationAnalyzer>(statement);

    [Theory]
    [InlineData("var set = new HashSet<string>(); foreach (var s in set.Order(StringComparer.Ordinal)) { }")]
    [InlineData("var list = new List<string>(); foreach (var s in list) { }")]
    [InlineData("var classes = new Dictionary<string, int>(); var has = classes.ContainsKey(\"cat\");")]
    // The order only reaches a person.
    [InlineData("var counts = new Dictionary<string, int>(); foreach (var (label, n) in counts) { Console.WriteLine($\"{label}: {n}\"); }")]
    [InlineData("var counts = new Dictionary<string, int>(); var shown = 0; foreach (var pair in counts) { shown++; System.Diagnostics.Debug.WriteLine(pair.Key + \" \" + pair.Value.ToString()); }")]
    [InlineData("var set = new HashSet<string>(); Console.WriteLine(\"Classes: \" + string.Join(\", \", set.Select(s => s.ToUpperInvariant()).ToList()));")]
    [InlineData("var set = new HashSet<string>(); Console.Error.WriteLine($\"skipped {string.Join(\", \", set.Take(5))}\");")]
    [InlineData("var set = new HashSet<string>(); var n = set.Where(s => s.Length > 3).Count();")]
    [InlineData("var counts = new Dictionary<string, int>(); var frequent = counts.Where(p => p.Value > 1).ToDictionary(p => p.Key, p => p.Value);")]
    [InlineData("var set = new HashSet<string>(); Console.WriteLine(string.Join(\", \", set));")]
    [InlineData("var set = new HashSet<string>(); var longest = set.Select(s => s.Length).Max();")]
    [InlineData("var counts = new Dictionary<string, int>(); var top = counts.Where(p => p.Value > 1).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();")]
    public Task Sorted_or_ordered_collections_are_not_reported(string statement) => Run<HashOrderEnumerationAnalyzer>(statement);

    [Fact]
    public Task Setting_the_cublas_variable_at_run_time_is_reported() =>
        Run<CublasEnvironmentAtRunTimeAnalyzer>("{|REPRO1017:Environment.SetEnvironmentVariable(\"CUBLAS_WORKSPACE_CONFIG\", \":4096:8\")|};");

    [Fact]
    public Task Other_variables_and_cpu_code_are_not_reported() => Task.WhenAll(
        Run<CublasEnvironmentAtRunTimeAnalyzer>("Environment.SetEnvironmentVariable(\"OMP_NUM_THREADS\", \"1\");"),
        TorchAnalyzerTest.Create<CublasEnvironmentAtRunTimeAnalyzer>(
            TorchAnalyzerTest.InMethod("Environment.SetEnvironmentVariable(\"CUBLAS_WORKSPACE_CONFIG\", \":4096:8\");"), device: "cpu").RunAsync());

    private static Task Run<TAnalyzer>(string statement)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        TorchAnalyzerTest.Create<TAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();
}
