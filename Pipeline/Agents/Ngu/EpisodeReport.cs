using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// Means over every <c>window</c> finished episodes (return, length, visited fraction, solved fraction) and running
/// totals: episodes, solved episodes, the episode count at the first solved one (-1 before it). With a policy family
/// (<paramref name="policies"/> &gt; 1) also the totals of the exploitative policy's copies (beta = 0, the policy NGU
/// evaluates): exploit_episodes and exploit_solved_total. Thread-safe.
/// </summary>
public sealed class EpisodeReport(int window, int policies = 1)
{
    readonly object gate = new();
    double returns, lengths, visited, solved;
    int count;
    long total, solvedTotal, firstSolved = -1, exploitTotal, exploitSolved;

    /// <summary>Adds an episode; every <c>window</c> episodes returns the window's values (and resets the means).</summary>
    public KeyValuePair<string, double>[]? Add(EpisodeSummary episode)
    {
        lock (gate)
        {
            (returns, lengths, visited, solved) = (returns + episode.Return, lengths + episode.Length, visited + episode.VisitedFraction, solved + (episode.Solved ? 1 : 0));
            total++;
            if (episode.Solved && solvedTotal++ == 0) firstSolved = total;
            if (policies > 1 && PolicyFamily.PolicyOfActor(episode.Copy, policies) == 0)
                (exploitTotal, exploitSolved) = (exploitTotal + 1, exploitSolved + (episode.Solved ? 1 : 0));
            if (++count < window) return null;
            KeyValuePair<string, double>[] means =
            [
                new("episodes", total), new("return", returns / count), new("length", lengths / count),
                new("visited_fraction", visited / count), new("solved_fraction", solved / count),
                new("solved_total", solvedTotal), new("first_solved_episode", firstSolved),
                .. (policies > 1 ? new KeyValuePair<string, double>[] { new("exploit_episodes", exploitTotal), new("exploit_solved_total", exploitSolved) } : []),
            ];
            (returns, lengths, visited, solved, count) = (0, 0, 0, 0, 0);
            return means;
        }
    }
}
