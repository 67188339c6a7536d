namespace Repro.Pipeline;

/// <summary>
/// The metrics a run has seen, name to small integer id, so scalar records carry an id rather
/// than a name. Producers register under a lock (once per metric and run); the writer reads ids
/// it dequeued, which were published before the scalar that uses them.
/// </summary>
internal sealed class MetricRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private MetricDeclaration[] _byId = new MetricDeclaration[16];

    public int Register(MetricDeclaration metric)
    {
        lock (_gate)
        {
            if (_ids.TryGetValue(metric.Name, out var existing))
            {
                var known = _byId[existing];
                if (!known.HasSameDefinition(metric))
                {
                    throw new InvalidOperationException(
                        $"Metric '{metric.Name}' is declared twice with different units or tags ({known.Describe()} and {metric.Describe()}).");
                }

                return existing;
            }

            var id = _ids.Count;
            if (id == _byId.Length)
            {
                var grown = new MetricDeclaration[_byId.Length * 2];
                _byId.CopyTo(grown, 0);
                Volatile.Write(ref _byId, grown);
            }

            _byId[id] = metric;
            _ids.Add(metric.Name, id);
            return id;
        }
    }

    public MetricDeclaration Get(int id) => Volatile.Read(ref _byId)[id];

    /// <summary>How many metrics are registered; ids run from 0 to Count - 1.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ids.Count;
            }
        }
    }
}
