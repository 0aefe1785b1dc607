"""The registry's schema, as the migrations that build it: version N is the first N entries, applied
in order by :class:`.registry.Registry` when it opens a database (``PRAGMA user_version`` says how
many have run). An entry is never changed once released; a change is a new entry.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # version 1
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        fonds TEXT NOT NULL,                 -- 全宗号
        category TEXT NOT NULL,              -- 档案门类代码, WS = 文书
        year INTEGER NOT NULL,               -- 年度
        retention TEXT NOT NULL CHECK (retention IN ('Y', 'D30', 'D10')),  -- 保管期限
        org TEXT NOT NULL,                   -- 机构（问题）代码
        item INTEGER NOT NULL CHECK (item > 0),  -- 件号
        archival_code TEXT NOT NULL UNIQUE,  -- 档号
        doc_number TEXT UNIQUE,              -- 文号 (文件编号)
        title TEXT NOT NULL,                 -- 题名
        author TEXT NOT NULL DEFAULT '',     -- 责任者
        date TEXT,                           -- 日期, ISO
        kind TEXT NOT NULL DEFAULT '',       -- 文种
        secrecy TEXT NOT NULL DEFAULT '',    -- 密级
        recipients TEXT NOT NULL DEFAULT '', -- 主送
        cc TEXT NOT NULL DEFAULT '',         -- 抄送
        unit TEXT NOT NULL DEFAULT '',       -- the 科室（单位） the document concerns
        template_id TEXT,
        page_count INTEGER,                  -- 页数
        source TEXT NOT NULL CHECK (source IN ('rendered', 'external')),
        text TEXT NOT NULL DEFAULT '',       -- extracted full text, for (re)indexing
        filed_at TEXT NOT NULL,
        filed_by TEXT NOT NULL,
        UNIQUE (fonds, year, retention, org, item)
    );
    CREATE INDEX records_year_kind ON records (year, kind);
    CREATE INDEX records_template ON records (template_id, year);
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE RESTRICT,
        role TEXT NOT NULL,                  -- original, pdf ...
        path TEXT NOT NULL UNIQUE,           -- relative to the archive root, '/' separated
        format TEXT NOT NULL,                -- 格式信息: docx, pdf
        size INTEGER NOT NULL,               -- 计算机文件大小
        sha256 TEXT NOT NULL,                -- 'sha256:<hex>'
        original_name TEXT,                  -- 计算机文件名 as received
        UNIQUE (record_id, role)
    );
    CREATE INDEX files_sha256 ON files (sha256);
    CREATE TABLE sequences (
        kind TEXT NOT NULL,                  -- doc_number | item
        scope TEXT NOT NULL,                 -- 'X财党|2026' | 'Z001|2026|Y|BGS'
        last INTEGER NOT NULL,
        PRIMARY KEY (kind, scope)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id INTEGER,
        detail TEXT NOT NULL,                -- JSON: file hashes, numbers ...
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE
    );
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """,
    # version 2: the task ledgers of 七（一）
    """
    CREATE TABLE ledger (
        id INTEGER PRIMARY KEY,
        holder TEXT NOT NULL,                -- whose task list: 局党组书记, or a 科室（单位）
        task TEXT NOT NULL,                  -- the task's id in its list, e.g. secretary.3
        date TEXT NOT NULL,                  -- when it was done, ISO
        done TEXT NOT NULL,                  -- what was done
        evidence TEXT NOT NULL DEFAULT '[]', -- JSON list of record ids in this archive
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    );
    CREATE INDEX ledger_holder_date ON ledger (holder, date);
    """,
    # version 3: the events that obligations due "N days after" count from
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        obligation TEXT NOT NULL,            -- the id of an obligation due N days after an event
        party TEXT NOT NULL,                 -- who owes the document: a 科室（单位）, or the party
        date TEXT NOT NULL,                  -- when the event (meeting, inspection...) took place
        note TEXT NOT NULL DEFAULT '',
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    );
    """,
    # version 4: 年度 × 文种 × 单位 answered from the index alone (the desk's filters and page counts
    # read this tally on every 目录 and 检索 page: 30 ms -> 2 ms on 20,000 records)
    """
    CREATE INDEX records_year_kind_unit ON records (year, kind, unit);
    DROP INDEX records_year_kind;
    """,
    # version 5: retention and disposal (到期鉴定, 销毁, 延长保管期限; issue 18 item 3, see retention.py).
    # A decision, the records it covers and a destruction are written once and never changed (the
    # triggers); a record's state holds the 保管期限 in force and whether it is 拟销毁 or 已销毁. The
    # records table is left as filed: its 保管期限 is part of the 档号, and verify holds it to the
    # filing's digest. Each row's digest is fixed in its audit entry, so verify catches an edit.
    """
    CREATE TABLE disposal_decisions (
        id INTEGER PRIMARY KEY,
        opinion TEXT NOT NULL CHECK (opinion IN ('destroy', 'extend')),  -- 鉴定意见
        new_retention TEXT CHECK (new_retention IN ('Y', 'D30', 'D10')), -- 延长后的保管期限
        reason TEXT NOT NULL,                -- the grounds of the opinion
        members TEXT NOT NULL,               -- JSON list of the 鉴定小组 members, two or more
        approver TEXT NOT NULL,              -- 批准人
        decided_on TEXT NOT NULL,            -- 批准日期, ISO
        early_reason TEXT NOT NULL DEFAULT '', -- why records not yet due are destroyed (empty: none are)
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        CHECK ((opinion = 'extend') = (new_retention IS NOT NULL))
    );
    CREATE TABLE disposal_records (
        decision_id INTEGER NOT NULL REFERENCES disposal_decisions (id) ON DELETE RESTRICT,
        record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE RESTRICT,
        retention TEXT NOT NULL,             -- the 保管期限 in force before the decision
        expires TEXT,                        -- its 到期日, ISO (NULL for 永久)
        due INTEGER NOT NULL,                -- 1 when past its 到期日 on the decision's date
        PRIMARY KEY (decision_id, record_id)
    );
    CREATE INDEX disposal_records_record ON disposal_records (record_id);
    CREATE TABLE destructions (
        decision_id INTEGER PRIMARY KEY REFERENCES disposal_decisions (id) ON DELETE RESTRICT,
        destroyed_on TEXT NOT NULL,          -- 销毁日期, ISO
        supervisors TEXT NOT NULL,           -- JSON list of the 监销人, two or more
        method TEXT NOT NULL,                -- 销毁方式
        lists TEXT NOT NULL,                 -- JSON: the 销毁清册 files written, with their sha256
        entered_at TEXT NOT NULL,
        entered_by TEXT NOT NULL
    );
    CREATE TABLE record_states (
        record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE RESTRICT,
        state TEXT NOT NULL CHECK (state IN ('extended', 'pending', 'destroyed')),
        retention TEXT NOT NULL CHECK (retention IN ('Y', 'D30', 'D10')),  -- the 保管期限 in force
        decision_id INTEGER NOT NULL REFERENCES disposal_decisions (id) ON DELETE RESTRICT
    );
    CREATE TRIGGER disposal_decisions_fixed_update BEFORE UPDATE ON disposal_decisions
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never changed'); END;
    CREATE TRIGGER disposal_decisions_fixed_delete BEFORE DELETE ON disposal_decisions
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never deleted'); END;
    CREATE TRIGGER disposal_records_fixed_update BEFORE UPDATE ON disposal_records
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never changed'); END;
    CREATE TRIGGER disposal_records_fixed_delete BEFORE DELETE ON disposal_records
        BEGIN SELECT RAISE(ABORT, 'a disposal decision is never changed'); END;
    CREATE TRIGGER destructions_fixed_update BEFORE UPDATE ON destructions
        BEGIN SELECT RAISE(ABORT, 'a destruction is never changed'); END;
    CREATE TRIGGER destructions_fixed_delete BEFORE DELETE ON destructions
        BEGIN SELECT RAISE(ABORT, 'a destruction is never deleted'); END;
    """,
]
