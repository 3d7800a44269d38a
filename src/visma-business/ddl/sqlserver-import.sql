-- The import's own bookkeeping tables in a Visma Business company database on SQL Server. An installer runs this
-- script once in each company database (F0001, ...) before go-live; it creates only what is missing.

-- One row per imported invoice: the idempotency key, the voucher it became, the attachment stored with it, and the
-- ledger status that the last status sweep read. SweepStatus is Sent, Open, Paid, Missing or Invalid, and
-- SweepRestOre is the amount still open in øre, so that a sweep reports only what changed since.
IF OBJECT_ID(N'dbo.JiVoucherKey', N'U') IS NULL
BEGIN
  CREATE TABLE dbo.JiVoucherKey (
    Client NVARCHAR(100) NOT NULL,
    InvoNo NVARCHAR(50) NOT NULL,
    CustNo NVARCHAR(20) NOT NULL,
    VoNo INT NOT NULL,
    BndNo INT NOT NULL,
    TotalOre BIGINT NOT NULL,
    ContentSha256 NCHAR(64) NOT NULL,
    DocNo INT NULL,
    DocSha256 NCHAR(64) NULL,
    CreatedAt NVARCHAR(24) NOT NULL,
    UpdatedAt NVARCHAR(24) NOT NULL,
    SweepStatus NVARCHAR(10) NULL,
    SweepRestOre BIGINT NULL,
    SweepAt NVARCHAR(24) NULL,
    CONSTRAINT JiVoucherKey_PK PRIMARY KEY (Client, InvoNo, CustNo)
  );
  -- A voucher number is never given to two invoices, whatever the configured series.
  CREATE UNIQUE INDEX JiVoucherKey_VoNo ON dbo.JiVoucherKey (VoNo);
END;
GO

-- The sweep columns, added to a JiVoucherKey created by an earlier version of this script. Rows without a sweep
-- state count as changed at the first sweep.
IF COL_LENGTH(N'dbo.JiVoucherKey', N'SweepStatus') IS NULL
  ALTER TABLE dbo.JiVoucherKey ADD SweepStatus NVARCHAR(10) NULL, SweepRestOre BIGINT NULL, SweepAt NVARCHAR(24) NULL;
GO

-- The status sweep reads a client's invoices that are not swept as Paid yet.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'JiVoucherKey_Sweep' AND object_id = OBJECT_ID(N'dbo.JiVoucherKey'))
  CREATE INDEX JiVoucherKey_Sweep ON dbo.JiVoucherKey (Client, SweepStatus);
GO

-- The batch that receives a client's vouchers of one run date, while it waits to be updated.
IF OBJECT_ID(N'dbo.JiBatch', N'U') IS NULL
CREATE TABLE dbo.JiBatch (
  Client NVARCHAR(100) NOT NULL,
  RunDt INT NOT NULL,
  BndNo INT NOT NULL,
  CreatedAt NVARCHAR(24) NOT NULL,
  CONSTRAINT JiBatch_PK PRIMARY KEY (Client, RunDt)
);
GO

-- The next free voucher number of each series that the import takes numbers from.
IF OBJECT_ID(N'dbo.JiVoSeries', N'U') IS NULL
CREATE TABLE dbo.JiVoSeries (
  FrNo INT NOT NULL CONSTRAINT JiVoSeries_PK PRIMARY KEY,
  ToNo INT NOT NULL,
  NxtNo INT NOT NULL
);
GO
