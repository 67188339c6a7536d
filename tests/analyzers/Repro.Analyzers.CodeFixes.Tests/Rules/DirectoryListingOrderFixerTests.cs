using Repro.Analyzers.CodeFixes.Rules;
using Repro.Analyzers.CodeFixes.Tests.Verification;
using Repro.Analyzers.Rules;

namespace Repro.Analyzers.CodeFixes.Tests.Rules;

public class DirectoryListingOrderFixerTests
{
    [Fact]
    public Task Paths_are_sorted_ordinally_and_arrays_stay_arrays() => FixTest.Verify<UnorderedDirectoryListingAnalyzer, DirectoryListingOrderFixer>(
        """
        using System;
        using System.IO;
        using System.Linq;
        class Reader
        {
            string[] Images(string folder) => Directory.[|GetFiles(folder, "*.png")|];
            string First(string folder) => Directory.[|EnumerateFiles(folder)|].First();
            FileInfo[] Infos(string folder) => new DirectoryInfo(folder).[|GetFiles()|];
        }
        """,
        """
        using System;
        using System.IO;
        using System.Linq;
        class Reader
        {
            string[] Images(string folder) => Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).ToArray();
            string First(string folder) => Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).First();
            FileInfo[] Infos(string folder) => new DirectoryInfo(folder).GetFiles().OrderBy(entry => entry.FullName, StringComparer.Ordinal).ToArray();
        }
        """);

    [Fact]
    public Task System_Linq_is_imported_when_missing() => FixTest.Verify<UnorderedDirectoryListingAnalyzer, DirectoryListingOrderFixer>(
        """
        using System.IO;
        class Reader
        {
            void Read(string folder)
            {
                foreach (var file in Directory.[|GetFiles(folder)|])
                {
                    System.Console.WriteLine(file);
                }
            }
        }
        """,
        """
        using System.IO;
        using System.Linq;

        class Reader
        {
            void Read(string folder)
            {
                foreach (var file in Directory.GetFiles(folder).Order(System.StringComparer.Ordinal).ToArray())
                {
                    System.Console.WriteLine(file);
                }
            }
        }
        """);
}
