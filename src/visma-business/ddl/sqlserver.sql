-- Development Visma Business company database on SQL Server: the tables that the import reads and writes, with
-- the default names of schema-names.ts, for the docker-compose stack and the SQL Server test run. A real company
-- database has these tables already; never run this script there. Dates are integers YYYYMMDD.

IF OBJECT_ID(N'dbo.CompInf', N'U') IS NULL
CREATE TABLE dbo.CompInf (
  CompNo INT NOT NULL PRIMARY KEY,
  Nm NVARCHAR(80) NOT NULL,
  DefTxAcGrNo INT NOT NULL,
  InvVoTp INT NOT NULL,
  InvVoFrNo INT NOT NULL,
  InvVoToNo INT NOT NULL,
  KidAlg NVARCHAR(10) NOT NULL,
  KidInvDig INT NULL,
  KidCustDig INT NULL
);
GO

IF OBJECT_ID(N'dbo.Actor', N'U') IS NULL
CREATE TABLE dbo.Actor (
  CustNo INT NOT NULL PRIMARY KEY,
  Nm NVARCHAR(80) NOT NULL
);
GO

IF OBJECT_ID(N'dbo.TxCd', N'U') IS NULL
CREATE TABLE dbo.TxCd (
  TxCd INT NOT NULL PRIMARY KEY,
  TxRt DECIMAL(9, 4) NOT NULL,
  Descr NVARCHAR(80) NOT NULL
);
GO

IF OBJECT_ID(N'dbo.TxAcGr', N'U') IS NULL
CREATE TABLE dbo.TxAcGr (
  TxAcGrNo INT NOT NULL PRIMARY KEY,
  Descr NVARCHAR(80) NOT NULL
);
GO

IF OBJECT_ID(N'dbo.TxAcGrAc', N'U') IS NULL
CREATE TABLE dbo.TxAcGrAc (
  TxAcGrNo INT NOT NULL REFERENCES dbo.TxAcGr (TxAcGrNo),
  TxCd INT NOT NULL REFERENCES dbo.TxCd (TxCd),
  AcNo INT NOT NULL,
  PRIMARY KEY (TxAcGrNo, TxCd)
);
GO

IF OBJECT_ID(N'dbo.Prod', N'U') IS NULL
CREATE TABLE dbo.Prod (
  ProdNo NVARCHAR(40) NOT NULL PRIMARY KEY,
  Descr NVARCHAR(80) NOT NULL,
  TxAcGrNo INT NOT NULL REFERENCES dbo.TxAcGr (TxAcGrNo)
);
GO

IF OBJECT_ID(N'dbo.WaBnd', N'U') IS NULL
CREATE TABLE dbo.WaBnd (
  BndNo INT NOT NULL PRIMARY KEY,
  Descr NVARCHAR(60) NOT NULL
);
GO

IF OBJECT_ID(N'dbo.WaVo', N'U') IS NULL
BEGIN
  CREATE TABLE dbo.WaVo (
    BndNo INT NOT NULL,
    LnNo INT NOT NULL,
    VoNo INT NOT NULL,
    VoDt INT NOT NULL,
    VoTp INT NOT NULL,
    ValDt INT NOT NULL,
    Txt NVARCHAR(60) NOT NULL,
    DbAcCl INT NOT NULL DEFAULT 0,
    DbAcNo INT NOT NULL DEFAULT 0,
    DbTxCd INT NOT NULL DEFAULT 0,
    CrAcCl INT NOT NULL DEFAULT 0,
    CrAcNo INT NOT NULL DEFAULT 0,
    CrTxCd INT NOT NULL DEFAULT 0,
    AmExVAT DECIMAL(28, 6) NOT NULL,
    VatAm DECIMAL(28, 6) NOT NULL,
    Am DECIMAL(28, 6) NOT NULL,
    InvoNo NVARCHAR(50) NULL,
    DueDt INT NOT NULL DEFAULT 0,
    CID NVARCHAR(30) NULL,
    Cur NVARCHAR(3) NULL,
    ExRt DECIMAL(28, 10) NULL,
    CurAm DECIMAL(28, 6) NULL,
    PRIMARY KEY (BndNo, LnNo)
  );
  CREATE INDEX WaVo_VoNo ON dbo.WaVo (VoNo);
END;
GO

IF OBJECT_ID(N'dbo.CustTr', N'U') IS NULL
BEGIN
  CREATE TABLE dbo.CustTr (
    CustNo INT NOT NULL,
    VoNo INT NOT NULL,
    VoDt INT NOT NULL,
    InvoNo NVARCHAR(50) NULL,
    DueDt INT NOT NULL,
    CID NVARCHAR(30) NULL,
    Am DECIMAL(28, 6) NOT NULL,
    PdSt INT NOT NULL
  );
  CREATE INDEX CustTr_VoNo ON dbo.CustTr (VoNo);
END;
GO

IF OBJECT_ID(N'dbo.CustOpen', N'U') IS NULL
BEGIN
  CREATE TABLE dbo.CustOpen (
    CustNo INT NOT NULL,
    VoNo INT NOT NULL,
    InvoNo NVARCHAR(50) NULL,
    DueDt INT NOT NULL,
    CID NVARCHAR(30) NULL,
    Am DECIMAL(28, 6) NOT NULL,
    RestAm DECIMAL(28, 6) NOT NULL,
    PdSt INT NOT NULL
  );
  CREATE INDEX CustOpen_VoNo ON dbo.CustOpen (VoNo);
  CREATE INDEX CustOpen_CID ON dbo.CustOpen (CID);
END;
GO

IF OBJECT_ID(N'dbo.VoDoc', N'U') IS NULL
CREATE TABLE dbo.VoDoc (
  DocNo INT IDENTITY(1, 1) NOT NULL PRIMARY KEY,
  VoNo INT NOT NULL,
  FileNm NVARCHAR(255) NOT NULL,
  DocData VARBINARY(MAX) NOT NULL
);
GO
