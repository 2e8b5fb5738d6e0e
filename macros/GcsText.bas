Attribute VB_Name = "GcsText"
Option Explicit
' Generated from the message table by the workbook build: do not edit here.
' The project is ASCII (code page 1252); Chinese text is built with ChrW.

Public Function Title() As String
    Title = U("38598 22242 23458 25143")
End Function

Public Function NoAddin() As String
    NoAddin = U("27809 26377 25214 21040 32 120 108 119 105 110 103 115 32 21152 36733 39033 12290 10 35831 25353 32 82 69 65 68 77 69 32 30340 23433 35013 27493 39588 36816 34892 32 120 108 119 105 110 103 115 32 97 100 100 105 110 32 105 110 115 116 97 108 108 65292 28982 21518 37325 26032 25171 24320 32 69 120 99 101 108 12290")
End Function

Public Function NoPython() As String
    NoPython = U("27809 26377 25214 21040 32 80 121 116 104 111 110 12290 10 35831 25353 32 82 69 65 68 77 69 32 30340 23433 35013 27493 39588 23433 35013 32 80 121 116 104 111 110 65292 20877 36816 34892 32 120 108 119 105 110 103 115 32 97 100 100 105 110 32 105 110 115 116 97 108 108 12290")
End Function

Public Function NoGcsExcel() As String
    NoGcsExcel = U("80 121 116 104 111 110 32 37324 27809 26377 23433 35013 32 103 99 115 95 101 120 99 101 108 12290 10 35831 25353 32 82 69 65 68 77 69 32 30340 23433 35013 27493 39588 36816 34892 32 112 105 112 32 105 110 115 116 97 108 108 32 34 103 99 115 95 101 120 99 101 108 91 101 120 99 101 108 93 34 12290")
End Function

Public Function RunFailed() As String
    RunFailed = U("25353 38062 27809 33021 36816 34892 12290 35831 25226 36825 26465 20449 24687 21457 32473 32500 25252 34920 26684 30340 21516 20107 65306")
End Function

' Builds a string from decimal UTF-16 code units separated by spaces.
Private Function U(ByVal units As String) As String
    Dim parts() As String, i As Long
    parts = Split(units, " ")
    For i = LBound(parts) To UBound(parts)
        U = U & ChrW(CLng(parts(i)))
    Next i
End Function
