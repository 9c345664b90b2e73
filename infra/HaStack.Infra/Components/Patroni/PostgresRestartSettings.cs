namespace HaStack.Infra.Topology;

/// <summary>
/// The PostgreSQL settings a running server takes only at a restart (pg_settings' context "postmaster", read from
/// PostgreSQL 15 on the lab), so a preview can say which change restarts the members before up does it.
/// </summary>
internal static class PostgresRestartSettings
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "archive_mode", "autovacuum_freeze_max_age", "autovacuum_max_workers", "autovacuum_multixact_freeze_max_age",
        "bonjour", "bonjour_name", "cluster_name", "config_file", "data_directory", "data_sync_retry",
        "dynamic_shared_memory_type", "event_source", "external_pid_file", "hba_file", "hot_standby",
        "huge_page_size", "huge_pages", "ident_file", "ignore_invalid_pages", "jit_provider", "listen_addresses",
        "logging_collector", "max_connections", "max_files_per_process", "max_locks_per_transaction",
        "max_logical_replication_workers", "max_pred_locks_per_transaction", "max_prepared_transactions",
        "max_replication_slots", "max_wal_senders", "max_worker_processes", "min_dynamic_shared_memory",
        "old_snapshot_threshold", "port", "recovery_target", "recovery_target_action", "recovery_target_inclusive",
        "recovery_target_lsn", "recovery_target_name", "recovery_target_time", "recovery_target_timeline",
        "recovery_target_xid", "shared_buffers", "shared_memory_type", "shared_preload_libraries",
        "superuser_reserved_connections", "track_activity_query_size", "track_commit_timestamp",
        "unix_socket_directories", "unix_socket_group", "unix_socket_permissions", "wal_buffers",
        "wal_decode_buffer_size", "wal_level", "wal_log_hints"
    };

    /// <summary>
    /// For a change of Patroni's dynamic configuration (the paths of its changed inputs,
    /// <c>settings[postgresql/parameters/NAME]</c>): what restarts and why, or null when every changed setting applies with a reload.
    /// </summary>
    public static string? RestartNote(IReadOnlyList<string> changedPaths)
    {
        var prefix = $"settings[{PatroniDynamicConfig.ParametersSection}{DcsSetting.Separator}";
        var restartOnly = changedPaths.Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.EndsWith(']') && Names.Contains(p[prefix.Length..^1]))
            .Select(p => p[prefix.Length..^1]).ToList();
        return restartOnly.Count == 0 ? null
            : $"{string.Join(", ", restartOnly)} take(s) effect only at a restart: each member waiting for one restarts in turn, " +
              "replicas first, then a switchover and the old primary";
    }
}
