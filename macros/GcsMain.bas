Attribute VB_Name = "GcsMain"
Option Explicit
' Every ribbon button and every sheet button of the gcs_excel workbooks ends in RunJob.
' RunJob first checks the xlwings add-in, Python and gcs_excel, so that a missing piece
' shows one Chinese message box instead of a VBA error; then it calls the add-in's
' RunPython through Application.Run, so the workbook needs no VBA reference to the add-in.
' The Python side (gcs_excel.xl.entry.run) catches every error and shows its own message,
' so xlwings never shows a traceback.

Private Const ADDIN_FILE As String = "xlwings.xlam"
Private pythonChecked As Boolean

' Ribbon: every button of the tab has onAction="GcsMain.OnRibbonButton"; its tag is the job.
Public Sub OnRibbonButton(control As IRibbonControl)
    RunJob control.Tag
End Sub

' Sheet buttons of the operations sheet: one Sub per job of gcs_excel/buttons.toml (a test checks them).
Public Sub ButtonValidate()
    RunJob "validate"
End Sub

Public Sub ButtonFix()
    RunJob "fix"
End Sub

Public Sub ButtonQuotas()
    RunJob "quotas"
End Sub

Public Sub ButtonPlan()
    RunJob "plan"
End Sub

Public Sub ButtonMonthly()
    RunJob "monthly"
End Sub

Public Sub ButtonMail()
    RunJob "mail"
End Sub

Public Sub ButtonMerge()
    RunJob "merge"
End Sub

Public Sub RunJob(ByVal job As String)
    Dim missing As String
    missing = MissingPiece()
    If Len(missing) > 0 Then
        MsgBox missing, vbExclamation, GcsText.Title()
        Exit Sub
    End If
    On Error GoTo Failed
    Application.Run "'" & ADDIN_FILE & "'!Main.RunPython", _
        "import gcs_excel.xl.entry as e; e.run('" & job & "')"
    Exit Sub
Failed:
    MsgBox GcsText.RunFailed() & vbLf & Err.Description, vbExclamation, GcsText.Title()
End Sub

' Empty when the add-in, Python and gcs_excel are there, else the message to show.
' Python is asked once per Excel session: the same interpreter RunPython will use
' (the add-in's own GetConfig: xlwings.conf sheet, directory file, user file).
Private Function MissingPiece() As String
    Dim addin As Object
    On Error Resume Next
    Set addin = Workbooks(ADDIN_FILE)
    On Error GoTo 0
    If addin Is Nothing Then
        MissingPiece = GcsText.NoAddin()
        Exit Function
    End If
    If pythonChecked Then Exit Function
#If Mac Then
    pythonChecked = True
#Else
    Dim interpreter As String, code As Long
    On Error GoTo NoPython
    interpreter = Application.Run("'" & ADDIN_FILE & "'!Config.GetConfig", "INTERPRETER_WIN", "")
    If Len(interpreter) = 0 Then
        interpreter = Application.Run("'" & ADDIN_FILE & "'!Config.GetConfig", "INTERPRETER", "python")
    End If
    code = CreateObject("WScript.Shell").Run("""" & interpreter & """ -c ""import gcs_excel.xl""", 0, True)
    On Error GoTo 0
    If code <> 0 Then
        MissingPiece = GcsText.NoGcsExcel()
        Exit Function
    End If
    pythonChecked = True
    Exit Function
NoPython:
    MissingPiece = GcsText.NoPython()
#End If
End Function
