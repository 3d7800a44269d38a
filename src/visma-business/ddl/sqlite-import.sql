-- The import's own bookkeeping tables in the company database, on SQLite.

-- One row per imported invoice: the idempotency key, the voucher it became, the attachment stored with it, and the
-- ledger status that the last status sweep read. SweepStatus is Sent, Open, Paid, Missing or Invalid, and
-- SweepRestOre is the amount still open in øre, so that a sweep reports only what changed since.
CREATE TABLE IF NOT EXISTS JiVoucherKey (
  Client NVARCHAR(100) NOT NULL,
  InvoNo NVARCHAR(50) NOT NULL,
  CustNo NVARCHAR(20) NOT NULL,
  VoNo INTEGER NOT NULL,
  BndNo INTEGER NOT NULL,
  TotalOre BIGINT NOT NULL,
  ContentSha256 NCHAR(64) NOT NULL,
  DocNo INTEGER NULL,
  DocSha256 NCHAR(64) NULL,
  CreatedAt NVARCHAR(24) NOT NULL,
  UpdatedAt NVARCHAR(24) NOT NULL,
  SweepStatus NVARCHAR(10) NULL,
  SweepRestOre BIGINT NULL,
  SweepAt NVARCHAR(24) NULL,
  PRIMARY KEY (Client, InvoNo, CustNo)
);
-- A voucher number is never given to two invoices, whatever the configured series.
CREATE UNIQUE INDEX IF NOT EXISTS JiVoucherKey_VoNo ON JiVoucherKey (VoNo);
-- The status sweep reads a client's invoices that are not swept as Paid yet.
CREATE INDEX IF NOT EXISTS JiVoucherKey_Sweep ON JiVoucherKey (Client, SweepStatus);

-- The batch that receives a client's vouchers of one run date, while it waits to be updated.
CREATE TABLE IF NOT EXISTS JiBatch (
  Client NVARCHAR(100) NOT NULL,
  RunDt INTEGER NOT NULL,
  BndNo INTEGER NOT NULL,
  CreatedAt NVARCHAR(24) NOT NULL,
  PRIMARY KEY (Client, RunDt)
);

-- The next free voucher number of each series that the import takes numbers from.
CREATE TABLE IF NOT EXISTS JiVoSeries (
  FrNo INTEGER NOT NULL PRIMARY KEY,
  ToNo INTEGER NOT NULL,
  NxtNo INTEGER NOT NULL
);
