namespace HaStack.Vrrp.Config;

/// <summary>
/// The keywords keepalived 2.2 knows, by the block they belong in (from keepalived.conf(5)), and which of them
/// hastack-vrrpd supports. A known but unsupported keyword is a warning; a word keepalived does not know is an
/// error, since a silently ignored typo (say "priorty") changes who holds the address.
/// </summary>
public static class KeepalivedKeywords
{
    public const string TopLevel = "top level";
    public const string GlobalDefs = "global_defs";
    public const string VrrpScript = "vrrp_script";
    public const string VrrpInstance = "vrrp_instance";
    public const string VrrpTrackProcess = "vrrp_track_process";

    public static readonly IReadOnlySet<string> SupportedTopLevel = new HashSet<string> { GlobalDefs, VrrpScript, VrrpInstance, VrrpTrackProcess };

    public static readonly IReadOnlySet<string> UnsupportedTopLevel = new HashSet<string>
    {
        "vrrp_sync_group", "virtual_server", "virtual_server_group", "static_ipaddress", "static_routes", "static_rules",
        "vrrp_track_file", "track_file", "garp_group", "linkbeat_interfaces", "bfd_instance",
        "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir", "child_wait_time",
        "linkbeat_use_polling", "vrrp_track_bfd", "$", "@",
    };

    public static readonly IReadOnlySet<string> SupportedGlobal = new HashSet<string>
    {
        "router_id", "vrrp_version", "vrrp_strict", "script_user", "enable_script_security",
        "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
        "vrrp_garp_lower_prio_repeat", "vrrp_lower_prio_no_advert", "vrrp_check_unicast_src", "vrrp_mcast_group4",
        "vrrp_higher_prio_send_advert",
    };

    public static readonly IReadOnlySet<string> UnsupportedGlobal = new HashSet<string>
    {
        "notification_email", "notification_email_from", "smtp_server", "smtp_helo_name", "smtp_connect_timeout",
        "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "checker_log_all_failures", "lvs_id", "lvs_sync_daemon",
        "lvs_flush", "lvs_flush_onstop", "lvs_timeouts", "vrrp_skip_check_adv_addr", "vrrp_garp_interval", "vrrp_gna_interval", "vrrp_mcast_group6", "vrrp_garp_lower_prio_delay",
        "vrrp_min_garp", "vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority",
        "nftables_ifindex", "nftables_counters", "vrrp_priority", "checker_priority", "bfd_priority", "vrrp_no_swap",
        "checker_no_swap", "bfd_no_swap", "vrrp_rt_priority", "checker_rt_priority", "bfd_rt_priority",
        "vrrp_rlimit_rttime", "checker_rlimit_rttime", "bfd_rlimit_rttime", "vrrp_startup_delay", "max_auto_priority",
        "min_auto_priority_delay", "dynamic_interfaces", "enable_traps", "enable_dbus", "dbus_service_name",
        "enable_snmp_vrrp", "enable_snmp_checker", "enable_snmp_rfc", "enable_snmp_rfcv2", "enable_snmp_rfcv3",
        "snmp_socket", "notify_fifo", "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script",
        "lvs_notify_fifo", "lvs_notify_fifo_script", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force",
        "vrrp_netlink_monitor_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs_force", "process_names", "process_name",
        "vrrp_process_name", "checker_process_name", "bfd_process_name", "default_interface", "vrrp_garp_extra_if",
        "vrrp_rx_bufs_policy", "vrrp_rx_bufs_multiplier", "vrrp_strict_no_unicast", "vrrp_track_process_delay",
        "script_security_check", "instance", "net_namespace", "local_name", "no_checker_emails", "startup_script",
        "startup_script_timeout", "shutdown_script", "shutdown_script_timeout", "vrrp_skip_check_adv_addr_rfc",
        "vrrp_notify_priority_changes", "vrrp_owner_ignore_adverts", "vrrp_iptables_chain", "vrrp_ipvs",
        "umask", "data_use_instance", "random_seed", "reload_check_config", "reload_time_file", "reload_repeat",
        "reload_file", "config_save_dir", "tmp_config_directory", "vrrp_use_ipvlan", "vrrp_ipvs_sync_daemon",
    };

    public static readonly IReadOnlySet<string> SupportedScript = new HashSet<string>
    {
        "script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail",
    };

    public static readonly IReadOnlySet<string> UnsupportedScript = new HashSet<string>();

    public static readonly IReadOnlySet<string> SupportedTrackProcess = new HashSet<string> { "process", "weight", "quorum" };

    public static readonly IReadOnlySet<string> UnsupportedTrackProcess = new HashSet<string>
    {
        "param_match", "quorum_max", "fork_delay", "terminate_delay", "delay", "full_command",
    };

    public static readonly IReadOnlySet<string> SupportedInstance = new HashSet<string>
    {
        "state", "interface", "virtual_router_id", "priority", "advert_int", "authentication", "virtual_ipaddress",
        "unicast_src_ip", "unicast_peer", "track_script", "track_interface", "track_process", "nopreempt", "preempt", "preempt_delay",
        "garp_master_delay", "garp_master_repeat", "garp_master_refresh", "garp_master_refresh_repeat",
        "garp_lower_prio_repeat", "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify", "version",
        "accept", "no_accept", "v3_checksum_as_v2", "lower_prio_no_advert", "check_unicast_src", "mcast_src_ip", "higher_prio_send_advert",
        "strict_mode",
    };

    public static readonly IReadOnlySet<string> UnsupportedInstance = new HashSet<string>
    {
        "use_vmac", "vmac_xmit_base", "use_ipvlan", "native_ipv6", "virtual_ipaddress_excluded", "virtual_routes",
        "virtual_rules", "track_file", "track_bfd", "unicast_ttl", "unicast_fault_no_peer",
        "garp_lower_prio_delay", "notify_deleted", "notify_master_rx_lower_pri",
        "smtp_alert", "kernel_rx_buf_size", "old_unicast_checksum", "track_src_ip", "down_timer_adverts",
        "linkbeat_use_polling", "promote_secondaries", "no_accept_mode", "vrrp_sync_group", "auth_hmac",
        "skip_check_adv_addr", "dont_track_primary", "debug",
    };

    /// <summary>Where a keyword belongs, when it is known somewhere; for "belongs in" warnings.</summary>
    public static string? HomeOf(string keyword)
    {
        if (SupportedGlobal.Contains(keyword) || UnsupportedGlobal.Contains(keyword))
            return GlobalDefs;
        if (SupportedInstance.Contains(keyword) || UnsupportedInstance.Contains(keyword))
            return VrrpInstance;
        if (SupportedScript.Contains(keyword))
            return VrrpScript;
        if (SupportedTrackProcess.Contains(keyword) || UnsupportedTrackProcess.Contains(keyword))
            return VrrpTrackProcess;
        if (SupportedTopLevel.Contains(keyword) || UnsupportedTopLevel.Contains(keyword))
            return TopLevel;
        return null;
    }

    /// <summary>The known keyword nearest to word (edit distance ≤ 2), for "did you mean".</summary>
    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(word, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
