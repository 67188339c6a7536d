using System.Globalization;
using System.Text;

namespace Repro.Storage;

/// <summary>A search as SQL: its text and its named parameters (written <c>@name</c>, which SQLite and PostgreSQL both read).</summary>
internal sealed record RunSearchQuery(string Sql, IReadOnlyList<(string Name, object Value)> Parameters, bool Descending);

/// <summary>
/// Builds the query that chooses and orders runs for a <see cref="RunSearch"/> over the runs, run_tags, run_params and
/// run_metrics tables, which the local index and the central store lay out alike: one query text for both, so both
/// give the same answers.
/// </summary>
internal static class RunSearchSql
{
    /// <summary>The query selecting (run_id, status, sort_value).</summary>
    /// <param name="search">The filters and the order.</param>
    /// <param name="goal">The goal a run declared for the sort metric ("minimize", "maximize"), or null.</param>
    /// <param name="schema">The tables' schema prefix: empty for SQLite, <c>repro.</c> for PostgreSQL.</param>
    /// <param name="postgres">Whether the query is for PostgreSQL (LIKE for name patterns) rather than SQLite (GLOB).</param>
    public static RunSearchQuery Build(RunSearch search, string? goal, string schema, bool postgres)
    {
        ArgumentNullException.ThrowIfNull(search);
        var parameters = new List<(string, object)>();
        // Rows are chosen and ordered on small columns; manifests are read for the chosen rows only.
        var sql = new StringBuilder("SELECT r.run_id, r.status");
        var sort = search.Sort;
        var descending = false;
        var sortColumn = "NULL";
        if (sort is not null)
        {
            var useBest = sort.Value == MetricSortValue.Best || (sort.Value == MetricSortValue.Automatic && goal is not null);
            descending = (useBest && goal == "maximize") ^ sort.Reverse;
            sortColumn = useBest ? "m.best" : "m.last";
            sql.Append(CultureInfo.InvariantCulture, $", {sortColumn} AS sort_value");
            sql.Append(CultureInfo.InvariantCulture, $" FROM {schema}runs r LEFT JOIN {schema}run_metrics m ON m.run_id = r.run_id AND m.name = @sortMetric");
            parameters.Add(("sortMetric", sort.Metric));
        }
        else
        {
            sql.Append(postgres ? ", NULL::double precision AS sort_value" : ", NULL AS sort_value").Append(CultureInfo.InvariantCulture, $" FROM {schema}runs r");
        }

        sql.Append(" WHERE 1 = 1");
        if (search.Name is { } name)
        {
            var pattern = name.AsSpan().IndexOfAny('*', '?') >= 0;
            sql.Append(!pattern ? " AND r.name = @name" : postgres ? " AND r.name LIKE @name ESCAPE '\\'" : " AND r.name GLOB @name");
            parameters.Add(("name", !pattern ? name : postgres ? GlobToLike(name) : name.Replace("[", "[[]", StringComparison.Ordinal)));
        }

        if (search.Statuses.Count > 0)
        {
            var names = search.Statuses.Select((status, i) => (Parameter: $"status{i}", Name: RunRowValues.StatusName(status))).ToList();
            sql.Append(" AND r.status IN (").Append(string.Join(", ", names.Select(n => "@" + n.Parameter))).Append(')');
            names.ForEach(n => parameters.Add((n.Parameter, n.Name)));
        }

        if (search.StartedAfter is { } after)
        {
            sql.Append(" AND r.started_at >= @after");
            parameters.Add(("after", RunRowValues.Timestamp(after)));
        }

        if (search.StartedBefore is { } before)
        {
            sql.Append(" AND r.started_at < @before");
            parameters.Add(("before", RunRowValues.Timestamp(before)));
        }

        if (search.Commit is { } commit)
        {
            sql.Append(" AND substr(r.git_commit, 1, length(@commit)) = @commit");
            parameters.Add(("commit", commit.Trim().ToLowerInvariant()));
        }

        for (var i = 0; i < search.Tags.Count; i++)
        {
            var (key, value) = search.Tags[i];
            sql.Append(CultureInfo.InvariantCulture, $" AND EXISTS (SELECT 1 FROM {schema}run_tags t WHERE t.run_id = r.run_id AND t.key = @tagKey{i}");
            parameters.Add(($"tagKey{i}", key));
            if (value is not null)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND t.value = @tagValue{i}");
                parameters.Add(($"tagValue{i}", value));
            }

            sql.Append(')');
        }

        for (var i = 0; i < search.Where.Count; i++)
        {
            var condition = search.Where[i];
            var column = condition.Number is null ? "p.text" : "p.number";
            sql.Append(CultureInfo.InvariantCulture,
                $" AND EXISTS (SELECT 1 FROM {schema}run_params p WHERE p.run_id = r.run_id AND p.path = @path{i} AND {column} IS NOT NULL AND {column} {condition.SqlOperator} @value{i})");
            parameters.Add(($"path{i}", condition.Path));
            parameters.Add(($"value{i}", condition.Number is { } number ? number : condition.Text));
        }

        sql.Append(sort is null
            ? " ORDER BY r.run_id DESC"
            : $" ORDER BY {sortColumn} IS NULL, {sortColumn} {(descending ? "DESC" : "ASC")}, r.run_id DESC");
        if (search.Limit is { } limit)
        {
            sql.Append(" LIMIT @limit");
            parameters.Add(("limit", limit));
        }

        return new RunSearchQuery(sql.ToString(), parameters, descending);
    }

    /// <summary>The query for the goal any run declared for a metric.</summary>
    public static string GoalQuery(string schema) => $"SELECT goal FROM {schema}run_metrics WHERE name = @name AND goal IS NOT NULL LIMIT 1";

    /// <summary>A shell-style pattern (<c>*</c>, <c>?</c>) as a LIKE pattern with backslash escapes: every other character literal.</summary>
    internal static string GlobToLike(string glob)
    {
        var like = new StringBuilder(glob.Length + 4);
        foreach (var c in glob)
        {
            like.Append(c switch
            {
                '*' => "%",
                '?' => "_",
                '%' or '_' or '\\' => "\\" + c,
                _ => c.ToString(),
            });
        }

        return like.ToString();
    }
}
